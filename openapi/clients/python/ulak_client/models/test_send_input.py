from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TestSendInput")



@_attrs_define
class TestSendInput:
    """ 
        Attributes:
            text (str):  Example: Merhaba! Bu bir deneme mesajıdır..
            to (str): The recipient as the transport expects it (an E.164 phone for most). Example: +905321234567.
     """

    text: str
    to: str





    def to_dict(self) -> dict[str, Any]:
        text = self.text

        to = self.to


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "text": text,
            "to": to,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text")

        to = d.pop("to")

        test_send_input = cls(
            text=text,
            to=to,
        )

        return test_send_input

