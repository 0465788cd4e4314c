from lib.gateway.profiles import GatewayProfile, load_profiles


def test_environment_profile_comes_first():
    profiles = load_profiles({"GATEWAY_BASE_URL": "https://api.uniapi.io/", "GATEWAY_API_KEY": " sk-1 "},
                             {"gateways": {"bltcy": {"base_url": "https://api.bltcy.ai", "api_key": "sk-2"}}})
    assert [(p.name, p.base_url, p.api_key) for p in profiles] == [
        ("env", "https://api.uniapi.io/", "sk-1"), ("bltcy", "https://api.bltcy.ai", "sk-2")]


def test_named_sections_and_single_gateway_section():
    secrets = {"gateways": {"a": {"base_url": "https://a.example"}, "broken": {"api_key": "x"},
                            "sandbox": {"base_url": "https://s.example"}},
               "gateway": {"base_url": "https://d.example", "api_key": "k"}}
    names = [p.name for p in load_profiles({}, secrets)]
    assert names == ["a", "sandbox-2", "default"]  # no base_url: skipped; reserved names renamed


def test_nothing_configured():
    assert load_profiles({}, {}) == []
    assert load_profiles({"GATEWAY_API_KEY": "sk-only-key"}, {"gateways": "not a table"}) == []


def test_key_is_hidden_from_repr_and_fingerprinted():
    profile = GatewayProfile("p", "https://x", "sk-secret-value")
    assert "sk-secret-value" not in repr(profile)
    assert len(profile.key_fingerprint) == 10 and "secret" not in profile.key_fingerprint
    assert GatewayProfile("p", "https://x").key_fingerprint == ""
