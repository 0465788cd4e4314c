"""Every user-facing string, in English and Chinese.

``t("key", lang, **values)`` formats with ``str.format``; a key missing from one catalog falls
back to English, and a test keeps both catalogs' keys and placeholders identical.
"""
from __future__ import annotations

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "en"

EN: dict[str, str] = {
    "app.title": "Music Task Studio",
    "nav.create": "Create",
    "nav.create.help": "Submit Suno and Udio tasks",
    "nav.task": "Task",
    "nav.task.help": "Inspect any task by its ID",
    "nav.history": "History",
    "nav.history.help": "Every task you submitted or inspected",
    # sidebar
    "sidebar.gateway": "Gateway",
    "sidebar.gateway.help": "Configured in GATEWAY_BASE_URL / GATEWAY_API_KEY or .streamlit/secrets.toml",
    "sidebar.option.sandbox": "Sandbox (offline demo)",
    "sidebar.option.custom": "Custom gateway…",
    "sidebar.base_url": "Base URL",
    "sidebar.base_url.help": "The gateway's address without /v1, e.g. https://api.uniapi.io",
    "sidebar.api_key": "API key (this session only)",
    "sidebar.api_key.help": "Kept in this browser session's memory only: never saved, never put in a link.",
    "sidebar.api_key.placeholder": "sk-…",
    "sidebar.language": "Language",
    "sidebar.sandbox_banner": "Sandbox — offline demo, synthesized placeholder music",
    "sidebar.sandbox_detail": "No gateway is configured, so the app runs its built-in sandbox gateway on this machine. Set GATEWAY_BASE_URL and GATEWAY_API_KEY, or pick a custom gateway, to use a real one.",
    "sidebar.using": "Using {name} · {host}",
    "sidebar.no_key": "This gateway has no API key yet: enter one above.",
    "sidebar.bad_url": "That is not an http(s) address.",
    # placeholders until the pages land
    "page.create.title": "Create",
    "page.create.intro": "Submit Suno and Udio generation tasks to the selected gateway.",
    "page.task.title": "Task",
    "page.task.intro": "Paste a task ID to see its status and songs.",
    "page.history.title": "History",
    "page.history.intro": "Every task you submit or inspect will be listed here.",
    "page.coming_soon": "This page is being built.",
    # statuses
    "status.NOT_START": "Not started",
    "status.SUBMITTED": "Submitted",
    "status.QUEUED": "Queued",
    "status.IN_PROGRESS": "In progress",
    "status.SUCCESS": "Succeeded",
    "status.FAILURE": "Failed",
    "status.UNKNOWN": "Unknown",
    # errors: a title and a hint per GatewayError.kind
    "error.gateway": "The gateway reported an error",
    "error.invalid_input": "That input cannot be sent",
    "error.bad_request": "The gateway rejected the request",
    "error.authentication": "The gateway did not accept the API key",
    "error.quota": "Not enough quota on this key",
    "error.not_found": "Task not found",
    "error.rate_limited": "The gateway is busy",
    "error.server": "The gateway or its upstream failed",
    "error.unsupported_route": "This gateway does not offer that feature",
    "error.protocol": "The gateway's answer could not be read",
    "error.connection": "Could not reach the gateway",
    "error.timeout": "The gateway did not answer in time",
    "error.outcome_unknown": "The submission's outcome is unknown",
    "hint.gateway": "Read the gateway's message above; retry in a moment if it looks temporary.",
    "hint.invalid_input": "Check the value and try again; nothing was sent.",
    "hint.bad_request": "Check the fields named in the gateway's message and submit again.",
    "hint.authentication": "Check the API key in the sidebar (or GATEWAY_API_KEY): it may be mistyped, expired, disabled or not allowed from this IP.",
    "hint.quota": "Top up the balance or raise the token's quota in the gateway's console. Fetching tasks stays free.",
    "hint.not_found": "Check the ID and the platform (Suno or Udio). Tasks are only visible to the account that submitted them.",
    "hint.rate_limited": "Wait a little and retry; the gateway asked to slow down.",
    "hint.server": "Usually temporary: retry in a minute. If it persists, contact the gateway's support with the request id.",
    "hint.unsupported_route": "The gateway answered a web page instead of JSON. Pick a gateway that offers this route, or check the base URL.",
    "hint.protocol": "The gateway answered something that is not a task. Check the base URL (without /v1).",
    "hint.connection": "Check the base URL and your network; the gateway may be down.",
    "hint.timeout": "The gateway was too slow. Retry; reading a task is free.",
    "hint.outcome_unknown": "The request was sent but no answer came back: it may have been accepted and billed. Check the gateway's task log before submitting again.",
    "error.details": "HTTP {status} · code {code} · request id {request_id}",
    "error.retry": "Retry",
}

ZH: dict[str, str] = {
    "app.title": "音乐任务工作室",
    "nav.create": "创作",
    "nav.create.help": "提交 Suno 与 Udio 任务",
    "nav.task": "任务",
    "nav.task.help": "按任务 ID 查看任意任务",
    "nav.history": "历史",
    "nav.history.help": "你提交或查看过的所有任务",
    "sidebar.gateway": "网关",
    "sidebar.gateway.help": "在 GATEWAY_BASE_URL / GATEWAY_API_KEY 或 .streamlit/secrets.toml 中配置",
    "sidebar.option.sandbox": "沙盒（离线演示）",
    "sidebar.option.custom": "自定义网关…",
    "sidebar.base_url": "Base URL",
    "sidebar.base_url.help": "网关地址，不含 /v1，例如 https://api.uniapi.io",
    "sidebar.api_key": "API 密钥（仅本次会话）",
    "sidebar.api_key.help": "只保存在本次浏览器会话的内存中：不会落盘，也不会出现在链接里。",
    "sidebar.api_key.placeholder": "sk-…",
    "sidebar.language": "语言",
    "sidebar.sandbox_banner": "沙盒 — 离线演示，合成的占位音乐",
    "sidebar.sandbox_detail": "尚未配置网关，应用正在本机运行内置的沙盒网关。设置 GATEWAY_BASE_URL 和 GATEWAY_API_KEY，或选择自定义网关，即可连接真实网关。",
    "sidebar.using": "当前：{name} · {host}",
    "sidebar.no_key": "该网关还没有 API 密钥：请在上方填写。",
    "sidebar.bad_url": "这不是 http(s) 地址。",
    "page.create.title": "创作",
    "page.create.intro": "向所选网关提交 Suno 与 Udio 生成任务。",
    "page.task.title": "任务",
    "page.task.intro": "粘贴任务 ID，查看状态与歌曲。",
    "page.history.title": "历史",
    "page.history.intro": "你提交或查看过的每个任务都会列在这里。",
    "page.coming_soon": "此页面正在建设中。",
    "status.NOT_START": "未开始",
    "status.SUBMITTED": "已提交",
    "status.QUEUED": "排队中",
    "status.IN_PROGRESS": "生成中",
    "status.SUCCESS": "成功",
    "status.FAILURE": "失败",
    "status.UNKNOWN": "未知",
    "error.gateway": "网关返回了错误",
    "error.invalid_input": "该输入无法发送",
    "error.bad_request": "网关拒绝了请求",
    "error.authentication": "网关不接受此 API 密钥",
    "error.quota": "此密钥额度不足",
    "error.not_found": "找不到该任务",
    "error.rate_limited": "网关繁忙",
    "error.server": "网关或其上游出错",
    "error.unsupported_route": "该网关不提供此功能",
    "error.protocol": "无法读取网关的响应",
    "error.connection": "无法连接网关",
    "error.timeout": "网关未及时响应",
    "error.outcome_unknown": "提交结果未知",
    "hint.gateway": "请阅读上方网关的原始信息；若像是临时问题，稍后重试。",
    "hint.invalid_input": "请检查输入后重试；尚未发送任何请求。",
    "hint.bad_request": "请检查网关信息中提到的字段后重新提交。",
    "hint.authentication": "请检查侧边栏中的 API 密钥（或 GATEWAY_API_KEY）：可能输错、已过期、被禁用，或当前 IP 不在允许列表中。",
    "hint.quota": "请在网关控制台充值或提高令牌额度。查询任务不收费。",
    "hint.not_found": "请检查任务 ID 与平台（Suno 或 Udio）。任务只对提交它的账号可见。",
    "hint.rate_limited": "请稍等片刻再试；网关要求降低请求频率。",
    "hint.server": "通常是临时问题：一分钟后重试。若持续出现，请带上 request id 联系网关客服。",
    "hint.unsupported_route": "网关返回了网页而不是 JSON。请选择提供此接口的网关，或检查 Base URL。",
    "hint.protocol": "网关返回的内容不是任务。请检查 Base URL（不含 /v1）。",
    "hint.connection": "请检查 Base URL 与网络；网关可能已宕机。",
    "hint.timeout": "网关响应太慢。请重试；查询任务不收费。",
    "hint.outcome_unknown": "请求已发出但没有收到响应：它可能已被接受并扣费。再次提交前请先在网关的任务日志中确认。",
    "error.details": "HTTP {status} · 代码 {code} · request id {request_id}",
    "error.retry": "重试",
}

CATALOGS = {"en": EN, "zh": ZH}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    catalog = CATALOGS.get(lang, EN)
    text = catalog.get(key) or EN.get(key) or key
    return text.format(**values) if values else text


def pick_language(locale: str | None) -> str:
    """The browser's locale decides the default: any Chinese locale gets zh."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT_LANGUAGE
