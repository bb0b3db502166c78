from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MessageEventData")



@_attrs_define
class MessageEventData:
    """ `message.*`: a message moved to the status the type names, or came in (`message.received`).

        Attributes:
            address (str): The recipient (outbound) or sender (inbound): an E.164 phone or an e-mail address.
            channel (str):
            message (str): The message's id (`…/messages/{id}`).
            campaign (None | str | Unset): The campaign it belongs to; none for a single send or an inbound message.
            contact (None | str | Unset): The contact's id (its number in E.164 digits), when the address is a contact's.
            reason (None | str | Unset): Why it failed.
            text (None | str | Unset): The text, for `message.received` (its first 1,000 characters).
     """

    address: str
    channel: str
    message: str
    campaign: None | str | Unset = UNSET
    contact: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    text: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        address = self.address

        channel = self.channel

        message = self.message

        campaign: None | str | Unset
        if isinstance(self.campaign, Unset):
            campaign = UNSET
        else:
            campaign = self.campaign

        contact: None | str | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        else:
            contact = self.contact

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "address": address,
            "channel": channel,
            "message": message,
        })
        if campaign is not UNSET:
            field_dict["campaign"] = campaign
        if contact is not UNSET:
            field_dict["contact"] = contact
        if reason is not UNSET:
            field_dict["reason"] = reason
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        channel = d.pop("channel")

        message = d.pop("message")

        def _parse_campaign(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        campaign = _parse_campaign(d.pop("campaign", UNSET))


        def _parse_contact(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        message_event_data = cls(
            address=address,
            channel=channel,
            message=message,
            campaign=campaign,
            contact=contact,
            reason=reason,
            text=text,
        )


        message_event_data.additional_properties = d
        return message_event_data

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
