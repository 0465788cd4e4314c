"""Music Task Studio's non-UI code: gateway client, models, parser, sandbox, i18n."""
