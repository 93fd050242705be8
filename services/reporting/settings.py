"""What reporting takes from configuration: the working-day calendar, the report due day and
the digest schedule."""

from dataclasses import dataclass, field

from services.common.workdays import WorkingCalendar

from .digest_periods import DigestSchedule

DEFAULT_LINK_BASE = "http://localhost:8004"


@dataclass
class Settings:
    """Vietnam's working days (with configured days off), the monthly report due day, when
    digests are compiled and the public address their links point at."""

    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    due_day: int = 5
    digests: DigestSchedule = field(default_factory=DigestSchedule)
    link_base: str = DEFAULT_LINK_BASE

    @classmethod
    def from_config(cls, config):
        """Build the settings from a service configuration dict; a bad digest setting raises
        DigestConfigError naming it."""
        return cls(
            calendar=WorkingCalendar.from_config(config),
            due_day=int(config.get("PERIODIC_REPORT_DUE_DAY", 5)),
            digests=DigestSchedule.from_config(config),
            link_base=config.get("REPORTING_PUBLIC_URL") or DEFAULT_LINK_BASE,
        )
