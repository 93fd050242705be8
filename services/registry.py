"""Where each service's nameko class lives (imported only when needed)."""

import importlib

SERVICE_CLASSES = {
    "intake": "services.intake.service:IntakeService",
    "cases": "services.cases.service:CasesService",
    "notify": "services.notify.service:NotifyService",
    "reporting": "services.reporting.service:ReportingService",
}


def service_class(name):
    """Import and return the nameko service class of `name`."""
    module, _, attr = SERVICE_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), attr)
