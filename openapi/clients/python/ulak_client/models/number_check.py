from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="NumberCheck")



@_attrs_define
class NumberCheck:
    """ 
        Attributes:
            numbers (list[str]): Up to 50 numbers in international form. Example: ['+905551112233', '+905559998877'].
     """

    numbers: list[str]





    def to_dict(self) -> dict[str, Any]:
        numbers = self.numbers




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "numbers": numbers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        numbers = cast(list[str], d.pop("numbers"))


        number_check = cls(
            numbers=numbers,
        )

        return number_check

