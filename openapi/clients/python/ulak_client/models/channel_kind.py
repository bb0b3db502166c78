from enum import StrEnum

class ChannelKind(StrEnum):
    PLUGIN = "plugin"
    SANDBOX = "sandbox"
    SMTP = "smtp"
    WHATSAPP_CLOUD = "whatsapp_cloud"

    def __str__(self) -> str:
        return str(self.value)
