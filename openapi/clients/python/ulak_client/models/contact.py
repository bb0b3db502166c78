from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.gender import Gender
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.contact_custom_fields import ContactCustomFields





T = TypeVar("T", bound="Contact")



@_attrs_define
class Contact:
    """ A contact as the API shows it.

        Attributes:
            created_at (datetime.datetime):
            custom_fields (ContactCustomFields): Field name → string, number or boolean (dates as `YYYY-MM-DD` strings).
                Example: {'city': 'İzmir', 'last_order': '2026-11-02', 'orders': 7}.
            id (str): The E.164 digits without `+`; changes when the phone changes. Example: 905321234567.
            opted_out (bool):
            phone (str):  Example: +905321234567.
            tags (list[str]):  Example: ['vip', 'istanbul'].
            updated_at (datetime.datetime):
            email (None | str | Unset):  Example: ayse@example.com.
            first_name (None | str | Unset):  Example: Ayşe.
            gender (Gender | None | Unset):
            honorific (None | str | Unset): Overrides the gender-based form of address, e.g. "Dr.". Example: Dr..
            language (None | str | Unset): BCP 47 language, e.g. `tr` or `en`. Example: tr.
            last_name (None | str | Unset):  Example: Yılmaz.
            notes (None | str | Unset):
            opt_out_reason (None | str | Unset):
            opted_out_at (datetime.datetime | None | Unset):
     """

    created_at: datetime.datetime
    custom_fields: ContactCustomFields
    id: str
    opted_out: bool
    phone: str
    tags: list[str]
    updated_at: datetime.datetime
    email: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    gender: Gender | None | Unset = UNSET
    honorific: None | str | Unset = UNSET
    language: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    opt_out_reason: None | str | Unset = UNSET
    opted_out_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_custom_fields import ContactCustomFields # noqa: PLC0415
        created_at = self.created_at.isoformat()

        custom_fields = self.custom_fields.to_dict()

        id = self.id

        opted_out = self.opted_out

        phone = self.phone

        tags = self.tags



        updated_at = self.updated_at.isoformat()

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        first_name: None | str | Unset
        if isinstance(self.first_name, Unset):
            first_name = UNSET
        else:
            first_name = self.first_name

        gender: None | str | Unset
        if isinstance(self.gender, Unset):
            gender = UNSET
        elif isinstance(self.gender, Gender):
            gender = self.gender.value
        else:
            gender = self.gender

        honorific: None | str | Unset
        if isinstance(self.honorific, Unset):
            honorific = UNSET
        else:
            honorific = self.honorific

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        last_name: None | str | Unset
        if isinstance(self.last_name, Unset):
            last_name = UNSET
        else:
            last_name = self.last_name

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        opt_out_reason: None | str | Unset
        if isinstance(self.opt_out_reason, Unset):
            opt_out_reason = UNSET
        else:
            opt_out_reason = self.opt_out_reason

        opted_out_at: None | str | Unset
        if isinstance(self.opted_out_at, Unset):
            opted_out_at = UNSET
        elif isinstance(self.opted_out_at, datetime.datetime):
            opted_out_at = self.opted_out_at.isoformat()
        else:
            opted_out_at = self.opted_out_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "custom_fields": custom_fields,
            "id": id,
            "opted_out": opted_out,
            "phone": phone,
            "tags": tags,
            "updated_at": updated_at,
        })
        if email is not UNSET:
            field_dict["email"] = email
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if gender is not UNSET:
            field_dict["gender"] = gender
        if honorific is not UNSET:
            field_dict["honorific"] = honorific
        if language is not UNSET:
            field_dict["language"] = language
        if last_name is not UNSET:
            field_dict["last_name"] = last_name
        if notes is not UNSET:
            field_dict["notes"] = notes
        if opt_out_reason is not UNSET:
            field_dict["opt_out_reason"] = opt_out_reason
        if opted_out_at is not UNSET:
            field_dict["opted_out_at"] = opted_out_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_custom_fields import ContactCustomFields # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        custom_fields = ContactCustomFields.from_dict(d.pop("custom_fields"))




        id = d.pop("id")

        opted_out = d.pop("opted_out")

        phone = d.pop("phone")

        tags = cast(list[str], d.pop("tags"))


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_first_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_name = _parse_first_name(d.pop("first_name", UNSET))


        def _parse_gender(data: object) -> Gender | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                gender_type_0 = Gender(data)



                return gender_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gender | None | Unset, data)

        gender = _parse_gender(d.pop("gender", UNSET))


        def _parse_honorific(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        honorific = _parse_honorific(d.pop("honorific", UNSET))


        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))


        def _parse_last_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_name = _parse_last_name(d.pop("last_name", UNSET))


        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))


        def _parse_opt_out_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        opt_out_reason = _parse_opt_out_reason(d.pop("opt_out_reason", UNSET))


        def _parse_opted_out_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                opted_out_at_type_0 = datetime.datetime.fromisoformat(data)



                return opted_out_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        opted_out_at = _parse_opted_out_at(d.pop("opted_out_at", UNSET))


        contact = cls(
            created_at=created_at,
            custom_fields=custom_fields,
            id=id,
            opted_out=opted_out,
            phone=phone,
            tags=tags,
            updated_at=updated_at,
            email=email,
            first_name=first_name,
            gender=gender,
            honorific=honorific,
            language=language,
            last_name=last_name,
            notes=notes,
            opt_out_reason=opt_out_reason,
            opted_out_at=opted_out_at,
        )


        contact.additional_properties = d
        return contact

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
