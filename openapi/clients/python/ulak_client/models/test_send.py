from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TestSend")



@_attrs_define
class TestSend:
    """ 
        Attributes:
            to (str): A phone (E.164 or national) or an e-mail address, as the channel addresses people. Example:
                +905321234567.
            text (None | str | Unset):  Example: Ulak'tan deneme mesajı.
     """

    to: str
    text: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        to = self.to

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "to": to,
        })
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to = d.pop("to")

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        test_send = cls(
            to=to,
            text=text,
        )

        return test_send

