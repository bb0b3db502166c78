from enum import StrEnum

class PluginKind(StrEnum):
    CONTACT_IMPORTER = "contact-importer"
    TRANSPORT = "transport"
    VARIABLE_RESOLVER = "variable-resolver"

    def __str__(self) -> str:
        return str(self.value)
