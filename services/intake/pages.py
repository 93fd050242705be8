"""The public web form, its confirmation page and the /track lookup."""


class PublicPages:
    """The public web form, its confirmation page and the /track lookup."""
