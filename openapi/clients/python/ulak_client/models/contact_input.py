from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.gender import Gender
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.contact_input_custom_fields_type_0 import ContactInputCustomFieldsType0





T = TypeVar("T", bound="ContactInput")



@_attrs_define
class ContactInput:
    """ Writable fields; on create every field but `phone` is optional, on update every field is.

        Attributes:
            custom_fields (ContactInputCustomFieldsType0 | None | Unset):
            email (None | str | Unset):
            first_name (None | str | Unset):  Example: Ayşe.
            gender (Gender | None | Unset):
            honorific (None | str | Unset):
            language (None | str | Unset):  Example: tr.
            last_name (None | str | Unset):  Example: Yılmaz.
            notes (None | str | Unset):
            opt_out_reason (None | str | Unset):
            opted_out (bool | None | Unset):
            phone (None | str | Unset):  Example: 0532 123 45 67.
            tags (list[str] | None | Unset):
     """

    custom_fields: ContactInputCustomFieldsType0 | None | Unset = UNSET
    email: None | str | Unset = UNSET
    first_name: None | str | Unset = UNSET
    gender: Gender | None | Unset = UNSET
    honorific: None | str | Unset = UNSET
    language: None | str | Unset = UNSET
    last_name: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    opt_out_reason: None | str | Unset = UNSET
    opted_out: bool | None | Unset = UNSET
    phone: None | str | Unset = UNSET
    tags: list[str] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_input_custom_fields_type_0 import ContactInputCustomFieldsType0 # noqa: PLC0415
        custom_fields: dict[str, Any] | None | Unset
        if isinstance(self.custom_fields, Unset):
            custom_fields = UNSET
        elif isinstance(self.custom_fields, ContactInputCustomFieldsType0):
            custom_fields = self.custom_fields.to_dict()
        else:
            custom_fields = self.custom_fields

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

        opted_out: bool | None | Unset
        if isinstance(self.opted_out, Unset):
            opted_out = UNSET
        else:
            opted_out = self.opted_out

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags


        else:
            tags = self.tags


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if custom_fields is not UNSET:
            field_dict["custom_fields"] = custom_fields
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
        if opted_out is not UNSET:
            field_dict["opted_out"] = opted_out
        if phone is not UNSET:
            field_dict["phone"] = phone
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_input_custom_fields_type_0 import ContactInputCustomFieldsType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_custom_fields(data: object) -> ContactInputCustomFieldsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                custom_fields_type_0 = ContactInputCustomFieldsType0.from_dict(data)



                return custom_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContactInputCustomFieldsType0 | None | Unset, data)

        custom_fields = _parse_custom_fields(d.pop("custom_fields", UNSET))


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


        def _parse_opted_out(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        opted_out = _parse_opted_out(d.pop("opted_out", UNSET))


        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        def _parse_tags(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = cast(list[str], data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))


        contact_input = cls(
            custom_fields=custom_fields,
            email=email,
            first_name=first_name,
            gender=gender,
            honorific=honorific,
            language=language,
            last_name=last_name,
            notes=notes,
            opt_out_reason=opt_out_reason,
            opted_out=opted_out,
            phone=phone,
            tags=tags,
        )

        return contact_input

