from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.send_request_variables import SendRequestVariables





T = TypeVar("T", bound="SendRequest")



@_attrs_define
class SendRequest:
    """ 
        Attributes:
            channel (str): The channel's id. Example: c0k2m4n6p8r0t2v4x6z8.
            attachments (list[str] | Unset): Media ids; with a template, in addition to the template's own.
            contact_id (None | str | Unset): A contact's id (its E.164 digits)…
            email (None | str | Unset): …or an e-mail address (for e-mail channels).
            phone (None | str | Unset): …or a phone number (any common form; a contact is created for an unknown one)…
                Example: 0532 123 45 67.
            template_id (None | str | Unset): A template's id, rendered for the recipient…
            text (None | str | Unset): …or plain text, sent as it is. Example: Siparişiniz yola çıktı..
            variables (SendRequestVariables | Unset): …with these values overriding contact fields and workspace variables
                of the same name. Example: {'siparis_no': 'A-1042'}.
     """

    channel: str
    attachments: list[str] | Unset = UNSET
    contact_id: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    template_id: None | str | Unset = UNSET
    text: None | str | Unset = UNSET
    variables: SendRequestVariables | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.send_request_variables import SendRequestVariables # noqa: PLC0415
        channel = self.channel

        attachments: list[str] | Unset = UNSET
        if not isinstance(self.attachments, Unset):
            attachments = self.attachments



        contact_id: None | str | Unset
        if isinstance(self.contact_id, Unset):
            contact_id = UNSET
        else:
            contact_id = self.contact_id

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        template_id: None | str | Unset
        if isinstance(self.template_id, Unset):
            template_id = UNSET
        else:
            template_id = self.template_id

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "channel": channel,
        })
        if attachments is not UNSET:
            field_dict["attachments"] = attachments
        if contact_id is not UNSET:
            field_dict["contact_id"] = contact_id
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if template_id is not UNSET:
            field_dict["template_id"] = template_id
        if text is not UNSET:
            field_dict["text"] = text
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.send_request_variables import SendRequestVariables # noqa: PLC0415
        d = dict(src_dict)
        channel = d.pop("channel")

        attachments = cast(list[str], d.pop("attachments", UNSET))


        def _parse_contact_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_id = _parse_contact_id(d.pop("contact_id", UNSET))


        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        def _parse_template_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template_id = _parse_template_id(d.pop("template_id", UNSET))


        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        _variables = d.pop("variables", UNSET)
        variables: SendRequestVariables | Unset
        if isinstance(_variables,  Unset):
            variables = UNSET
        else:
            variables = SendRequestVariables.from_dict(_variables)




        send_request = cls(
            channel=channel,
            attachments=attachments,
            contact_id=contact_id,
            email=email,
            phone=phone,
            template_id=template_id,
            text=text,
            variables=variables,
        )

        return send_request

