from enum import StrEnum

class ChannelState(StrEnum):
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    ERROR = "error"
    LOGGED_OUT = "logged_out"
    PAIRING = "pairing"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
