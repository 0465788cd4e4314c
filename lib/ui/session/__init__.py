"""The one owner of ``st.session_state``: every session key is read and written through the
typed accessors of this package, and no other module touches session state.

- ``values``: the language, and the values widgets show, kept across pages and languages;
- ``gateway``: the gateway this session talks to, its key, what it offers, its media URLs;
- ``records``: the pages' typed records (Create, History, Task), song-tool jobs, personas.
"""
from lib.ui.session.gateway import (CUSTOM_BASE_URL, GATEWAY, GATEWAY_MEDIA_LIMIT, MEDIA_PROXY, OPERATOR_GATEWAY,
                                    TYPED_GATEWAY, api_key_name, capabilities, client_for, current_gateway_name,
                                    current_profile, forget_capability, gateway_choices, gateway_media,
                                    get_client, learn_capability, media_through_server, profile_key,
                                    remember_gateway_media, remember_media_urls, typed_key)
from lib.ui.session.records import (CreateOutcome, CreateState, HistoryState, create_state, export_packs,
                                    finished_tasks, flash, follow_started, history_state, known_platforms,
                                    last_seen, mark_table_refreshed, missing_tasks, new_persona,
                                    pasted_task, platform_of, recent_tasks, record_in_history,
                                    remember_persona, remember_seen, remembered_personas, set_create_prefill,
                                    set_pasted_task, show_flash, stopped_errors, table_refreshed_at,
                                    take_create_prefill, tool_jobs)
from lib.ui.session.values import (LANGUAGE_KEY, capture_widgets, correct_value, keep_widget_state, language,
                                   set_value, set_widget_state, value, widget_key, widget_state)

__all__ = [
    "CUSTOM_BASE_URL", "GATEWAY", "GATEWAY_MEDIA_LIMIT", "MEDIA_PROXY", "OPERATOR_GATEWAY", "TYPED_GATEWAY",
    "api_key_name", "capabilities", "client_for", "current_gateway_name", "current_profile", "forget_capability",
    "gateway_choices", "gateway_media", "get_client", "learn_capability", "media_through_server", "profile_key",
    "remember_gateway_media", "remember_media_urls", "typed_key",
    "CreateOutcome", "CreateState", "HistoryState", "create_state", "export_packs", "finished_tasks", "flash",
    "follow_started", "history_state", "known_platforms", "last_seen", "mark_table_refreshed", "missing_tasks",
    "new_persona", "pasted_task", "platform_of", "recent_tasks", "record_in_history", "remember_persona",
    "remember_seen", "remembered_personas", "set_create_prefill", "set_pasted_task", "show_flash",
    "stopped_errors", "table_refreshed_at", "take_create_prefill", "tool_jobs",
    "LANGUAGE_KEY", "capture_widgets", "correct_value", "keep_widget_state", "language", "set_value",
    "set_widget_state", "value", "widget_key", "widget_state",
]
