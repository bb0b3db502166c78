from enum import StrEnum

class BulkKind(StrEnum):
    DELETE = "delete"
    TAG = "tag"
    UNTAG = "untag"

    def __str__(self) -> str:
        return str(self.value)
