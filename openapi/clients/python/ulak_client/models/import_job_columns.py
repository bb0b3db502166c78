from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ImportJobColumns")



@_attrs_define
class ImportJobColumns:
    """ What the columns the importer passed on became, by the `mapping` option or by their
    header: a contact field (`gender`, `honorific`, `language`, `email`, `notes`, `opted_out`,
    `consent`, `opt_out_reason`) or a custom field (`custom.<key>`). Filled as the file is read,
    so a dry run shows it before anything is written. Phone, names, e-mail and tags columns
    that the importer reads itself are not listed.

        Example:
            {'Cinsiyet': 'gender', 'Hitap': 'honorific', 'Şehir': 'custom.şehir'}

     """

    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        import_job_columns = cls(
        )


        import_job_columns.additional_properties = d
        return import_job_columns

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
