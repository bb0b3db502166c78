from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.contact_input import ContactInput





T = TypeVar("T", bound="RenderRequest")



@_attrs_define
class RenderRequest:
    """ 
        Attributes:
            body (str):  Example: %sayın%, bugün %tarih%..
            contact (ContactInput | None | Unset):
            contact_id (None | str | Unset):
            media (list[str] | Unset):
     """

    body: str
    contact: ContactInput | None | Unset = UNSET
    contact_id: None | str | Unset = UNSET
    media: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_input import ContactInput # noqa: PLC0415
        body = self.body

        contact: dict[str, Any] | None | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        elif isinstance(self.contact, ContactInput):
            contact = self.contact.to_dict()
        else:
            contact = self.contact

        contact_id: None | str | Unset
        if isinstance(self.contact_id, Unset):
            contact_id = UNSET
        else:
            contact_id = self.contact_id

        media: list[str] | Unset = UNSET
        if not isinstance(self.media, Unset):
            media = self.media




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "body": body,
        })
        if contact is not UNSET:
            field_dict["contact"] = contact
        if contact_id is not UNSET:
            field_dict["contact_id"] = contact_id
        if media is not UNSET:
            field_dict["media"] = media

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_input import ContactInput # noqa: PLC0415
        d = dict(src_dict)
        body = d.pop("body")

        def _parse_contact(data: object) -> ContactInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                contact_type_0 = ContactInput.from_dict(data)



                return contact_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactInput | None | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))


        def _parse_contact_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_id = _parse_contact_id(d.pop("contact_id", UNSET))


        media = cast(list[str], d.pop("media", UNSET))


        render_request = cls(
            body=body,
            contact=contact,
            contact_id=contact_id,
            media=media,
        )

        return render_request

