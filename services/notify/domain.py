"""Who hears what, and how each message reads. No framework imports."""

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, on one channel."""

    address: str
    channel: str = "email"


@dataclass(frozen=True)
class Message:
    """A rendered message."""

    subject: str
    text: str
    html: str


def recipients_for(event, settings):
    """The recipients of an event, by the rules in one place."""
    rules = {
        "case_opened": lambda: [Recipient(settings["OFFICE_EMAIL"])],
    }
    rule = rules.get(event.event_type)
    return rule() if rule else []


def render(event):
    """Render an event's email from its templates, with times shown in Vietnam's zone."""
    context = dict(event.payload)
    for key in ("opened_at",):
        if context.get(key) is not None:
            context[key] = context[key].astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    name = f"email/{event.event_type}"
    subject = TEMPLATES.get_template(f"{name}.subject.j2").render(context)
    return Message(
        subject=" ".join(subject.split()),
        text=TEMPLATES.get_template(f"{name}.txt.j2").render(context),
        html=TEMPLATES.get_template(f"{name}.html.j2").render(context),
    )
