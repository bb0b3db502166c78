from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ApprovedTemplate")



@_attrs_define
class ApprovedTemplate:
    """ A template of the business account, as the Graph API lists it and Ulak stores it.

        Attributes:
            body (str):  Example: {{1}}, Aralık'a özel %20 indirim {{2}} tarihine kadar geçerli..
            language (str):  Example: tr.
            name (str):  Example: kampanya_duyurusu.
            status (str): Meta's review state: `APPROVED` (only these are sent), `PENDING`, `REJECTED`, `PAUSED`,
                `DISABLED` … Example: APPROVED.
            body_params (list[str] | Unset): The body's placeholders in order. Example: ['1', '2'].
            category (None | str | Unset): `MARKETING`, `UTILITY` or `AUTHENTICATION`. Example: MARKETING.
            footer (None | str | Unset):
            header_format (None | str | Unset): The header's kind: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION` (none
                without a header). Example: TEXT.
            header_params (list[str] | Unset): The header's placeholders in order (`1`, or a name for named parameters).
            header_text (None | str | Unset):  Example: Merhaba {{1}}.
            named_params (bool | Unset): Whether the placeholders are names (`{{first_name}}`) rather than numbers.
     """

    body: str
    language: str
    name: str
    status: str
    body_params: list[str] | Unset = UNSET
    category: None | str | Unset = UNSET
    footer: None | str | Unset = UNSET
    header_format: None | str | Unset = UNSET
    header_params: list[str] | Unset = UNSET
    header_text: None | str | Unset = UNSET
    named_params: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        body = self.body

        language = self.language

        name = self.name

        status = self.status

        body_params: list[str] | Unset = UNSET
        if not isinstance(self.body_params, Unset):
            body_params = self.body_params



        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        footer: None | str | Unset
        if isinstance(self.footer, Unset):
            footer = UNSET
        else:
            footer = self.footer

        header_format: None | str | Unset
        if isinstance(self.header_format, Unset):
            header_format = UNSET
        else:
            header_format = self.header_format

        header_params: list[str] | Unset = UNSET
        if not isinstance(self.header_params, Unset):
            header_params = self.header_params



        header_text: None | str | Unset
        if isinstance(self.header_text, Unset):
            header_text = UNSET
        else:
            header_text = self.header_text

        named_params = self.named_params


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "body": body,
            "language": language,
            "name": name,
            "status": status,
        })
        if body_params is not UNSET:
            field_dict["body_params"] = body_params
        if category is not UNSET:
            field_dict["category"] = category
        if footer is not UNSET:
            field_dict["footer"] = footer
        if header_format is not UNSET:
            field_dict["header_format"] = header_format
        if header_params is not UNSET:
            field_dict["header_params"] = header_params
        if header_text is not UNSET:
            field_dict["header_text"] = header_text
        if named_params is not UNSET:
            field_dict["named_params"] = named_params

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        body = d.pop("body")

        language = d.pop("language")

        name = d.pop("name")

        status = d.pop("status")

        body_params = cast(list[str], d.pop("body_params", UNSET))


        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))


        def _parse_footer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        footer = _parse_footer(d.pop("footer", UNSET))


        def _parse_header_format(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        header_format = _parse_header_format(d.pop("header_format", UNSET))


        header_params = cast(list[str], d.pop("header_params", UNSET))


        def _parse_header_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        header_text = _parse_header_text(d.pop("header_text", UNSET))


        named_params = d.pop("named_params", UNSET)

        approved_template = cls(
            body=body,
            language=language,
            name=name,
            status=status,
            body_params=body_params,
            category=category,
            footer=footer,
            header_format=header_format,
            header_params=header_params,
            header_text=header_text,
            named_params=named_params,
        )


        approved_template.additional_properties = d
        return approved_template

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
