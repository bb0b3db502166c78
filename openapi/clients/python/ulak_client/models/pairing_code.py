from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="PairingCode")



@_attrs_define
class PairingCode:
    """ A pairing code on show.

        Attributes:
            code (str): The QR code's text, or the 8 characters to type. Example: 2@Xk3lq0b9…,u1Y…,Zq…,AA….
            expires_at (datetime.datetime):  Example: 2026-12-03T15:00:20Z.
            kind (str): `qr` (scan it) or `phone` (type it on the phone). Example: qr.
     """

    code: str
    expires_at: datetime.datetime
    kind: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        expires_at = self.expires_at.isoformat()

        kind = self.kind


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "expires_at": expires_at,
            "kind": kind,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        kind = d.pop("kind")

        pairing_code = cls(
            code=code,
            expires_at=expires_at,
            kind=kind,
        )


        pairing_code.additional_properties = d
        return pairing_code

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
