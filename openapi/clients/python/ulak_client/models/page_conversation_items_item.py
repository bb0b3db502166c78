from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.direction import Direction
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PageConversationItemsItem")



@_attrs_define
class PageConversationItemsItem:
    """ A conversation: the latest message with a contact, and how many of theirs are unread.

        Attributes:
            channel (str): The channel of the latest message.
            contact (str): The contact's id. Example: 905321234567.
            last_at (datetime.datetime):
            last_direction (Direction):
            last_text (str):  Example: İPTAL.
            unread (int):
            contact_name (None | str | Unset):
            opted_out (bool | Unset):
            phone (None | str | Unset):
     """

    channel: str
    contact: str
    last_at: datetime.datetime
    last_direction: Direction
    last_text: str
    unread: int
    contact_name: None | str | Unset = UNSET
    opted_out: bool | Unset = UNSET
    phone: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        contact = self.contact

        last_at = self.last_at.isoformat()

        last_direction = self.last_direction.value

        last_text = self.last_text

        unread = self.unread

        contact_name: None | str | Unset
        if isinstance(self.contact_name, Unset):
            contact_name = UNSET
        else:
            contact_name = self.contact_name

        opted_out = self.opted_out

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "channel": channel,
            "contact": contact,
            "last_at": last_at,
            "last_direction": last_direction,
            "last_text": last_text,
            "unread": unread,
        })
        if contact_name is not UNSET:
            field_dict["contact_name"] = contact_name
        if opted_out is not UNSET:
            field_dict["opted_out"] = opted_out
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = d.pop("channel")

        contact = d.pop("contact")

        last_at = datetime.datetime.fromisoformat(d.pop("last_at"))




        last_direction = Direction(d.pop("last_direction"))




        last_text = d.pop("last_text")

        unread = d.pop("unread")

        def _parse_contact_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_name = _parse_contact_name(d.pop("contact_name", UNSET))


        opted_out = d.pop("opted_out", UNSET)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        page_conversation_items_item = cls(
            channel=channel,
            contact=contact,
            last_at=last_at,
            last_direction=last_direction,
            last_text=last_text,
            unread=unread,
            contact_name=contact_name,
            opted_out=opted_out,
            phone=phone,
        )


        page_conversation_items_item.additional_properties = d
        return page_conversation_items_item

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
