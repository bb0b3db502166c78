from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.direction import Direction
from ..models.status import Status
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.message_attachment import MessageAttachment
  from ..models.status_change import StatusChange





T = TypeVar("T", bound="Message")



@_attrs_define
class Message:
    """ A message as the API shows it.

        Attributes:
            address (str): The recipient (outbound) or sender (inbound): an E.164 phone or an e-mail address. Example:
                +905321234567.
            channel (str):
            created_at (datetime.datetime):
            direction (Direction):
            id (str): `<batch>.<key>`; also the idempotency key transports receive. Example:
                k3j2h4g5f6d7s8a9q0w1.905321234567.
            status (Status):
            text (str):  Example: Sayın Ayşe Hanım, siparişiniz yolda..
            attachments (list[MessageAttachment] | Unset):
            attempts (int | Unset):
            campaign (None | str | Unset): The campaign it belongs to, if any.
            contact (None | str | Unset): The contact id, when the address belongs to a contact.
            delivered_at (datetime.datetime | None | Unset):
            error_code (None | str | Unset): The provider's error code, when it gave one.
            history (list[StatusChange] | Unset):
            provider_id (None | str | Unset):
            read_at (datetime.datetime | None | Unset):
            reason (None | str | Unset): Why it failed or was skipped.
            sent_at (datetime.datetime | None | Unset): When the provider accepted, delivered and read it (from the
                history).
            subject (None | str | Unset):
     """

    address: str
    channel: str
    created_at: datetime.datetime
    direction: Direction
    id: str
    status: Status
    text: str
    attachments: list[MessageAttachment] | Unset = UNSET
    attempts: int | Unset = UNSET
    campaign: None | str | Unset = UNSET
    contact: None | str | Unset = UNSET
    delivered_at: datetime.datetime | None | Unset = UNSET
    error_code: None | str | Unset = UNSET
    history: list[StatusChange] | Unset = UNSET
    provider_id: None | str | Unset = UNSET
    read_at: datetime.datetime | None | Unset = UNSET
    reason: None | str | Unset = UNSET
    sent_at: datetime.datetime | None | Unset = UNSET
    subject: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.message_attachment import MessageAttachment # noqa: PLC0415
        from ..models.status_change import StatusChange # noqa: PLC0415
        address = self.address

        channel = self.channel

        created_at = self.created_at.isoformat()

        direction = self.direction.value

        id = self.id

        status = self.status.value

        text = self.text

        attachments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = []
            for attachments_item_data in self.attachments:
                attachments_item = attachments_item_data.to_dict()
                attachments.append(attachments_item)



        attempts = self.attempts

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

        delivered_at: None | str | Unset
        if isinstance(self.delivered_at, Unset):
            delivered_at = UNSET
        elif isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        error_code: None | str | Unset
        if isinstance(self.error_code, Unset):
            error_code = UNSET
        else:
            error_code = self.error_code

        history: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.history, Unset):
            history = []
            for history_item_data in self.history:
                history_item = history_item_data.to_dict()
                history.append(history_item)



        provider_id: None | str | Unset
        if isinstance(self.provider_id, Unset):
            provider_id = UNSET
        else:
            provider_id = self.provider_id

        read_at: None | str | Unset
        if isinstance(self.read_at, Unset):
            read_at = UNSET
        elif isinstance(self.read_at, datetime.datetime):
            read_at = self.read_at.isoformat()
        else:
            read_at = self.read_at

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        sent_at: None | str | Unset
        if isinstance(self.sent_at, Unset):
            sent_at = UNSET
        elif isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "address": address,
            "channel": channel,
            "created_at": created_at,
            "direction": direction,
            "id": id,
            "status": status,
            "text": text,
        })
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if campaign is not UNSET:
            field_dict["campaign"] = campaign
        if contact is not UNSET:
            field_dict["contact"] = contact
        if delivered_at is not UNSET:
            field_dict["delivered_at"] = delivered_at
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if history is not UNSET:
            field_dict["history"] = history
        if provider_id is not UNSET:
            field_dict["provider_id"] = provider_id
        if read_at is not UNSET:
            field_dict["read_at"] = read_at
        if reason is not UNSET:
            field_dict["reason"] = reason
        if sent_at is not UNSET:
            field_dict["sent_at"] = sent_at
        if subject is not UNSET:
            field_dict["subject"] = subject

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.message_attachment import MessageAttachment # noqa: PLC0415
        from ..models.status_change import StatusChange # noqa: PLC0415
        d = dict(src_dict)
        address = d.pop("address")

        channel = d.pop("channel")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        direction = Direction(d.pop("direction"))




        id = d.pop("id")

        status = Status(d.pop("status"))




        text = d.pop("text")

        _attachments = d.pop("attachments", UNSET)
        attachments: list[MessageAttachment] | Unset = UNSET
        if _attachments is not UNSET:
            attachments = []
            for attachments_item_data in _attachments:
                attachments_item = MessageAttachment.from_dict(attachments_item_data)



                attachments.append(attachments_item)


        attempts = d.pop("attempts", UNSET)

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


        def _parse_delivered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)



                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at", UNSET))


        def _parse_error_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_code = _parse_error_code(d.pop("error_code", UNSET))


        _history = d.pop("history", UNSET)
        history: list[StatusChange] | Unset = UNSET
        if _history is not UNSET:
            history = []
            for history_item_data in _history:
                history_item = StatusChange.from_dict(history_item_data)



                history.append(history_item)


        def _parse_provider_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider_id = _parse_provider_id(d.pop("provider_id", UNSET))


        def _parse_read_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                read_at_type_0 = datetime.datetime.fromisoformat(data)



                return read_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        read_at = _parse_read_at(d.pop("read_at", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_sent_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)



                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sent_at = _parse_sent_at(d.pop("sent_at", UNSET))


        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject = _parse_subject(d.pop("subject", UNSET))


        message = cls(
            address=address,
            channel=channel,
            created_at=created_at,
            direction=direction,
            id=id,
            status=status,
            text=text,
            attachments=attachments,
            attempts=attempts,
            campaign=campaign,
            contact=contact,
            delivered_at=delivered_at,
            error_code=error_code,
            history=history,
            provider_id=provider_id,
            read_at=read_at,
            reason=reason,
            sent_at=sent_at,
            subject=subject,
        )


        message.additional_properties = d
        return message

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
