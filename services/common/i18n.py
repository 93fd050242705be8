"""Language choice for pages: Vietnamese by default, English on request."""

LANGUAGES = ("vi", "en")


def pick_language(request):
    """`?lang=` wins, then the `lang` cookie, else Vietnamese."""
    for value in (request.args.get("lang"), request.cookies.get("lang")):
        if value in LANGUAGES:
            return value
    return "vi"


class Translations:
    """Look up page texts by key in one language, falling back to Vietnamese, then the key."""

    def __init__(self, catalogue, language):
        self.catalogue = catalogue
        self.language = language

    def __call__(self, key, **values):
        """The text of `key`, formatted with `values`."""
        entry = self.catalogue.get(key, {})
        text = entry.get(self.language) or entry.get("vi") or key
        return text.format(**values) if values else text
