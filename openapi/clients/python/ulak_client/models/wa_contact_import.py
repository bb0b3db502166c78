from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.wa_contact_import_update_existing_type_0 import WaContactImportUpdateExistingType0





T = TypeVar("T", bound="WaContactImport")



@_attrs_define
class WaContactImport:
    """ 
        Attributes:
            dry_run (bool | Unset): Count and check everything, write nothing.
            numbers (list[str] | None | Unset): The numbers to import (international form), up to 10,000; absent: every
                synced contact. Example: ['+905551112233'].
            tags (list[str] | None | Unset): Tags every imported contact gets (default `["whatsapp"]`). Example:
                ['whatsapp'].
            update_existing (None | Unset | WaContactImportUpdateExistingType0): As for file imports: `true` (merge, the
                default), `false` (leave existing contacts alone)
                or `"overwrite"`.
     """

    dry_run: bool | Unset = UNSET
    numbers: list[str] | None | Unset = UNSET
    tags: list[str] | None | Unset = UNSET
    update_existing: None | Unset | WaContactImportUpdateExistingType0 = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.wa_contact_import_update_existing_type_0 import WaContactImportUpdateExistingType0 # noqa: PLC0415
        dry_run = self.dry_run

        numbers: list[str] | None | Unset
        if isinstance(self.numbers, Unset):
            numbers = UNSET
        elif isinstance(self.numbers, list):
            numbers = self.numbers


        else:
            numbers = self.numbers

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = self.tags


        else:
            tags = self.tags

        update_existing: dict[str, Any] | None | Unset
        if isinstance(self.update_existing, Unset):
            update_existing = UNSET
        elif isinstance(self.update_existing, WaContactImportUpdateExistingType0):
            update_existing = self.update_existing.to_dict()
        else:
            update_existing = self.update_existing


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if numbers is not UNSET:
            field_dict["numbers"] = numbers
        if tags is not UNSET:
            field_dict["tags"] = tags
        if update_existing is not UNSET:
            field_dict["update_existing"] = update_existing

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wa_contact_import_update_existing_type_0 import WaContactImportUpdateExistingType0 # noqa: PLC0415
        d = dict(src_dict)
        dry_run = d.pop("dry_run", UNSET)

        def _parse_numbers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                numbers_type_0 = cast(list[str], data)

                return numbers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        numbers = _parse_numbers(d.pop("numbers", UNSET))


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


        def _parse_update_existing(data: object) -> None | Unset | WaContactImportUpdateExistingType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                update_existing_type_0 = WaContactImportUpdateExistingType0.from_dict(data)



                return update_existing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WaContactImportUpdateExistingType0, data)

        update_existing = _parse_update_existing(d.pop("update_existing", UNSET))


        wa_contact_import = cls(
            dry_run=dry_run,
            numbers=numbers,
            tags=tags,
            update_existing=update_existing,
        )

        return wa_contact_import

