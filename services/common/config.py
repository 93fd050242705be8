"""Configuration read from the environment, with defaults that work on one machine."""

import os
from pathlib import Path

SERVICES = ("intake", "cases", "notify", "reporting")
DEFAULT_PORTS = {"intake": 8001, "cases": 8002, "notify": 8003, "reporting": 8004}
DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
DEFAULT_SMTP_URL = "smtp://localhost:1025"
DEFAULT_OFFICE_EMAIL = "vanphong@dangbokhoi.example.vn"


class ConfigError(ValueError):
    """A setting of the environment that cannot be used; the message names it."""


def _env(env, name, default):
    """Return a non-empty environment value or the default."""
    value = env.get(name)
    return value if value not in (None, "") else default


def _number(env, name, default, kind):
    """A numeric setting, or ConfigError naming it and the value given."""
    value = _env(env, name, default)
    try:
        return kind(value)
    except (TypeError, ValueError):
        words = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}={value!r} is not {words}") from None


def _int(env, name, default):
    """A whole-number setting (ConfigError naming it otherwise)."""
    return _number(env, name, default, int)


def _float(env, name, default):
    """A numeric setting (ConfigError naming it otherwise)."""
    return _number(env, name, default, float)


def var_dir(env=None) -> Path:
    """Directory for local state (SQLite files, mail, pid files)."""
    env = os.environ if env is None else env
    return Path(_env(env, "VAR_DIR", "var")).resolve()


def database_url(service: str, env=None) -> str:
    """Database URL of one service: `<SERVICE>_DATABASE_URL` or a SQLite file under var/."""
    env = os.environ if env is None else env
    default = f"sqlite:///{var_dir(env) / (service + '.db')}"
    return _env(env, f"{service.upper()}_DATABASE_URL", default)


def http_port(service: str, env=None) -> int:
    """HTTP port of one service: `<SERVICE>_PORT`."""
    env = os.environ if env is None else env
    return _int(env, f"{service.upper()}_PORT", DEFAULT_PORTS[service])


def amqp_uri(env=None) -> str:
    """The broker URL."""
    env = os.environ if env is None else env
    return _env(env, "AMQP_URI", DEFAULT_AMQP_URI)


def service_config(service: str, env=None) -> dict:
    """Build the nameko config dict of one service from the environment."""
    env = os.environ if env is None else env
    return {
        "SERVICE_NAME": service,
        "AMQP_URI": amqp_uri(env),
        "WEB_SERVER_ADDRESS": f"{_env(env, 'HTTP_HOST', '127.0.0.1')}:{http_port(service, env)}",
        "DATABASE_URL": database_url(service, env),
        "SMTP_URL": _env(env, "SMTP_URL", DEFAULT_SMTP_URL),
        "SMTP_TIMEOUT": _float(env, "SMTP_TIMEOUT", "10"),
        "SMTP_CA_FILE": _env(env, "SMTP_CA_FILE", ""),
        "OFFICE_EMAIL": _env(env, "OFFICE_EMAIL", DEFAULT_OFFICE_EMAIL),
        "LEADERSHIP_EMAIL": _env(env, "LEADERSHIP_EMAIL", ""),
        "WEBHOOK_SECRET": _env(env, "WEBHOOK_SECRET", "dev-only-webhook-secret"),
        "WEBHOOK_TIMEOUT": _float(env, "WEBHOOK_TIMEOUT", "5"),
        "MAIL_FROM": _env(env, "MAIL_FROM", "no-reply@dangbokhoi.example.vn"),
        "PUBLIC_URL": _env(env, "PUBLIC_URL", f"http://localhost:{http_port('intake', env)}"),
        "HANDLER_MAX_ATTEMPTS": _int(env, "HANDLER_MAX_ATTEMPTS", "5"),
        "HANDLER_RETRY_DELAY_MS": _int(env, "HANDLER_RETRY_DELAY_MS", "1000"),
        "QUEUE_TYPE": _env(env, "QUEUE_TYPE", "classic"),
        "OUTBOX_POLL_SECONDS": _float(env, "OUTBOX_POLL_SECONDS", "1.0"),
        "DELIVERY_MAX_ATTEMPTS": _int(env, "DELIVERY_MAX_ATTEMPTS", "8"),
        "DELIVERY_RETRY_SECONDS": _float(env, "DELIVERY_RETRY_SECONDS", "2"),
        "max_workers": _int(env, "MAX_WORKERS", "10"),
        "LOG_LEVEL": _env(env, "LOG_LEVEL", "INFO"),
        "AUTH_SECRET": _env(env, "AUTH_SECRET", "dev-only-secret-change-me"),
        "TOKEN_TTL_SECONDS": _int(env, "TOKEN_TTL_SECONDS", str(8 * 3600)),
        "REOPEN_WINDOW_DAYS": _int(env, "REOPEN_WINDOW_DAYS", "30"),
        "DEADLINE_RULES": _env(env, "DEADLINE_RULES", ""),
        "EXTRA_DAYS_OFF": _env(env, "EXTRA_DAYS_OFF", ""),
        "MAKE_UP_WORKING_DAYS": _env(env, "MAKE_UP_WORKING_DAYS", ""),
        "ESCALATION_GRACE_HOURS": _float(env, "ESCALATION_GRACE_HOURS", "24"),
        "DEADLINE_CHECK_SECONDS": _float(env, "DEADLINE_CHECK_SECONDS", "60"),
        "REMINDER_FRACTIONS": _env(env, "REMINDER_FRACTIONS", "50,80"),
        "REMINDER_CHECK_SECONDS": _float(env, "REMINDER_CHECK_SECONDS", "60"),
        "PERIODIC_REPORT_DUE_DAY": _int(env, "PERIODIC_REPORT_DUE_DAY", "5"),
        # reporting's digests (services/reporting/digest_periods.py)
        "DIGEST_WEEKLY_AT": _env(env, "DIGEST_WEEKLY_AT", "mon 07:00"),
        "DIGEST_PERIODIC_AT": _env(env, "DIGEST_PERIODIC_AT", "3 07:00"),
        "DIGEST_KINDS": _env(env, "DIGEST_KINDS", ""),
        "DIGEST_CATCH_UP_DAYS": _env(env, "DIGEST_CATCH_UP_DAYS", "7"),
        "REPORTING_PUBLIC_URL": _env(env, "REPORTING_PUBLIC_URL",
                                     f"http://localhost:{http_port('reporting', env)}"),
        "CONTACT_RPC_TIMEOUT": _float(env, "CONTACT_RPC_TIMEOUT", "5"),
        # intake's channels: "key:client,key:client" and "source:secret,source:secret"
        "OPEN311_API_KEYS": _env(env, "OPEN311_API_KEYS", ""),
        "CHATBOT_SECRETS": _env(env, "CHATBOT_SECRETS", ""),
        "CHATBOT_MAX_SKEW_SECONDS": _int(env, "CHATBOT_MAX_SKEW_SECONDS", "300"),
        "IMPORT_MAX_BYTES": _int(env, "IMPORT_MAX_BYTES", str(50 * 1024 * 1024)),
        "RATE_LIMIT_PER_MINUTE": _int(env, "RATE_LIMIT_PER_MINUTE", "30"),
        "TRUST_FORWARDED_FOR": _env(env, "TRUST_FORWARDED_FOR", "false"),
        # reporting's printed reports (empty: from the directory's root unit) and dashboard
        "ORGANISATION_NAME": _env(env, "ORGANISATION_NAME", ""),
        "OFFICE_NAME": _env(env, "OFFICE_NAME", "VĂN PHÒNG ĐẢNG ỦY KHỐI"),
        "REPORT_PLACE": _env(env, "REPORT_PLACE", ""),
        "REPORT_SIGNER_ON_BEHALF": _env(env, "REPORT_SIGNER_ON_BEHALF", ""),
        "REPORT_SIGNER_TITLE": _env(env, "REPORT_SIGNER_TITLE", "CHÁNH VĂN PHÒNG"),
        "REPORT_SIGNER_NAME": _env(env, "REPORT_SIGNER_NAME", ""),
        "CONSOLE_LOGIN_URL": _env(env, "CONSOLE_LOGIN_URL", "/console/login"),
    }
