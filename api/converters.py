"""Path converters: ids the database can hold, and the names and formats of charts and tables."""
from django.urls import register_converter


class IdConverter:
    """At most 18 digits: a longer id cannot exist (and would overflow SQLite)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class ChartNameConverter:
    regex = "[a-z]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ChartFormatConverter(ChartNameConverter):
    regex = "(?:svg|png|json|csv)"


class TableFormatConverter(ChartNameConverter):
    regex = "(?:csv|json)"


register_converter(IdConverter, "id")
register_converter(ChartNameConverter, "chartname")
register_converter(ChartFormatConverter, "chartfmt")
register_converter(TableFormatConverter, "tablefmt")
# config/settings.py SPECTACULAR_SETTINGS['PATH_CONVERTER_OVERRIDES'] describes them in the schema.
