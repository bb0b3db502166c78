from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="NoticeChoices")



@_attrs_define
class NoticeChoices:
    """ The notices a user wants.

        Example:
            {'campaign_finished': True, 'channel_disconnected': True, 'import_finished': False}

        Attributes:
            campaign_finished (bool | Unset): A campaign completed or was cancelled.
            channel_disconnected (bool | Unset): A channel lost its connection.
            import_finished (bool | Unset): A contact import completed or failed.
     """

    campaign_finished: bool | Unset = UNSET
    channel_disconnected: bool | Unset = UNSET
    import_finished: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        campaign_finished = self.campaign_finished

        channel_disconnected = self.channel_disconnected

        import_finished = self.import_finished


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if campaign_finished is not UNSET:
            field_dict["campaign_finished"] = campaign_finished
        if channel_disconnected is not UNSET:
            field_dict["channel_disconnected"] = channel_disconnected
        if import_finished is not UNSET:
            field_dict["import_finished"] = import_finished

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        campaign_finished = d.pop("campaign_finished", UNSET)

        channel_disconnected = d.pop("channel_disconnected", UNSET)

        import_finished = d.pop("import_finished", UNSET)

        notice_choices = cls(
            campaign_finished=campaign_finished,
            channel_disconnected=channel_disconnected,
            import_finished=import_finished,
        )

        return notice_choices

