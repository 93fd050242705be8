"""What reporting takes from configuration: the working-day calendar and the report due day."""

from dataclasses import dataclass, field

from services.common.workdays import WorkingCalendar


@dataclass
class Settings:
    """Vietnam's working days (with configured days off) and the monthly report due day."""

    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    due_day: int = 5

    @classmethod
    def from_config(cls, config):
        """Build the settings from a service configuration dict."""
        return cls(
            calendar=WorkingCalendar.from_config(config),
            due_day=int(config.get("PERIODIC_REPORT_DUE_DAY", 5)),
        )
