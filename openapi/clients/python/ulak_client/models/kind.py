from enum import StrEnum

class Kind(StrEnum):
    DATETIME = "datetime"
    FIELD = "field"
    PLUGIN = "plugin"
    STATIC = "static"

    def __str__(self) -> str:
        return str(self.value)
