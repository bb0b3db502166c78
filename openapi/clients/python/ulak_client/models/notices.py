from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="Notices")



@_attrs_define
class Notices:
    """ The user's notices, and whether this server can send them.

        Example:
            {'campaign_finished': True, 'channel_disconnected': True, 'import_finished': False, 'mail_configured': True}

        Attributes:
            campaign_finished (bool): A campaign completed or was cancelled.
            channel_disconnected (bool): A channel lost its connection.
            import_finished (bool): A contact import completed or failed.
            mail_configured (bool): False when the server has no `[mail]` settings: nothing can be sent.
     """

    campaign_finished: bool
    channel_disconnected: bool
    import_finished: bool
    mail_configured: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        campaign_finished = self.campaign_finished

        channel_disconnected = self.channel_disconnected

        import_finished = self.import_finished

        mail_configured = self.mail_configured


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "campaign_finished": campaign_finished,
            "channel_disconnected": channel_disconnected,
            "import_finished": import_finished,
            "mail_configured": mail_configured,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        campaign_finished = d.pop("campaign_finished")

        channel_disconnected = d.pop("channel_disconnected")

        import_finished = d.pop("import_finished")

        mail_configured = d.pop("mail_configured")

        notices = cls(
            campaign_finished=campaign_finished,
            channel_disconnected=channel_disconnected,
            import_finished=import_finished,
            mail_configured=mail_configured,
        )


        notices.additional_properties = d
        return notices

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
