from enum import StrEnum

class ChannelKind(StrEnum):
    PLUGIN = "plugin"
    SANDBOX = "sandbox"
    SMTP = "smtp"
    WHATSAPP_CLOUD = "whatsapp_cloud"
    WHATSAPP_WEB = "whatsapp_web"

    def __str__(self) -> str:
        return str(self.value)
