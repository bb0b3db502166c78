from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="OptOutWords")



@_attrs_define
class OptOutWords:
    """ 
        Attributes:
            opt_in (list[str]):  Example: ['BAŞLA', 'START'].
            opt_out (list[str]):  Example: ['STOP', 'İPTAL', 'DUR'].
     """

    opt_in: list[str]
    opt_out: list[str]





    def to_dict(self) -> dict[str, Any]:
        opt_in = self.opt_in



        opt_out = self.opt_out




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "opt_in": opt_in,
            "opt_out": opt_out,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        opt_in = cast(list[str], d.pop("opt_in"))


        opt_out = cast(list[str], d.pop("opt_out"))


        opt_out_words = cls(
            opt_in=opt_in,
            opt_out=opt_out,
        )

        return opt_out_words

