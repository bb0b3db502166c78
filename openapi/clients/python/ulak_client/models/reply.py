from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Reply")



@_attrs_define
class Reply:
    """ 
        Attributes:
            text (str):  Example: Merhaba, siparişiniz yarın kargoda..
            attachments (list[str] | Unset): Media ids to attach.
            channel (None | str | Unset): The channel to answer on; by default the conversation's.
     """

    text: str
    attachments: list[str] | Unset = UNSET
    channel: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        text = self.text

        attachments: list[str] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = self.attachments



        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "text": text,
        })
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if channel is not UNSET:
            field_dict["channel"] = channel

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text")

        attachments = cast(list[str], d.pop("attachments", UNSET))


        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        reply = cls(
            text=text,
            attachments=attachments,
            channel=channel,
        )

        return reply

