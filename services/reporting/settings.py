"""What reporting takes from configuration: the working-day calendar, the report due day, the
letterhead of printed reports and where the dashboard sends people to sign in."""

from dataclasses import dataclass, field

from services.common.workdays import WorkingCalendar

from .digest_periods import DigestSchedule

DEFAULT_LINK_BASE = "http://localhost:8004"


@dataclass(frozen=True)
class Letterhead:
    """Who issues printed reports; empty organisation and place come from the directory."""

    organisation: str = ""
    office: str = "VĂN PHÒNG ĐẢNG ỦY KHỐI"
    place: str = ""
    signer_on_behalf: str = ""
    signer_title: str = "CHÁNH VĂN PHÒNG"
    signer_name: str = ""

    @classmethod
    def from_config(cls, config):
        """Build the letterhead from ORGANISATION_NAME, OFFICE_NAME and REPORT_* settings."""
        defaults = cls()
        return cls(
            organisation=config.get("ORGANISATION_NAME") or "",
            office=config.get("OFFICE_NAME") or defaults.office,
            place=config.get("REPORT_PLACE") or "",
            signer_on_behalf=config.get("REPORT_SIGNER_ON_BEHALF") or "",
            signer_title=config.get("REPORT_SIGNER_TITLE") or defaults.signer_title,
            signer_name=config.get("REPORT_SIGNER_NAME") or "",
        )


@dataclass
class Settings:
    """Vietnam's working days (with configured days off), the monthly report due day, when
    digests are compiled and the public address their links point at."""

    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    due_day: int = 5
    digests: DigestSchedule = field(default_factory=DigestSchedule)
    link_base: str = DEFAULT_LINK_BASE
    letterhead: Letterhead = field(default_factory=Letterhead)
    console_login_url: str = "/console/login"

    @classmethod
    def from_config(cls, config):
        """Build the settings from a service configuration dict; a bad digest setting raises
        DigestConfigError naming it."""
        return cls(
            calendar=WorkingCalendar.from_config(config),
            due_day=int(config.get("PERIODIC_REPORT_DUE_DAY", 5)),
            digests=DigestSchedule.from_config(config),
            link_base=config.get("REPORTING_PUBLIC_URL") or DEFAULT_LINK_BASE,
            letterhead=Letterhead.from_config(config),
            console_login_url=config.get("CONSOLE_LOGIN_URL") or "/console/login",
        )
