from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.bulk_filter_custom import BulkFilterCustom





T = TypeVar("T", bound="BulkFilter")



@_attrs_define
class BulkFilter:
    """ The filter of a bulk action; at least one criterion, or `all: true`.

        Attributes:
            all_ (bool | Unset): Set to act on every contact of the workspace.
            custom (BulkFilterCustom | Unset): Custom field name → value it must equal.
            opted_out (bool | None | Unset):
            search (None | str | Unset):
            tag (None | str | Unset):
     """

    all_: bool | Unset = UNSET
    custom: BulkFilterCustom | Unset = UNSET
    opted_out: bool | None | Unset = UNSET
    search: None | str | Unset = UNSET
    tag: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.bulk_filter_custom import BulkFilterCustom # noqa: PLC0415
        all_ = self.all_

        custom: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom, Unset):
            custom = self.custom.to_dict()

        opted_out: bool | None | Unset
        if isinstance(self.opted_out, Unset):
            opted_out = UNSET
        else:
            opted_out = self.opted_out

        search: None | str | Unset
        if isinstance(self.search, Unset):
            search = UNSET
        else:
            search = self.search

        tag: None | str | Unset
        if isinstance(self.tag, Unset):
            tag = UNSET
        else:
            tag = self.tag


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if all_ is not UNSET:
            field_dict["all"] = all_
        if custom is not UNSET:
            field_dict["custom"] = custom
        if opted_out is not UNSET:
            field_dict["opted_out"] = opted_out
        if search is not UNSET:
            field_dict["search"] = search
        if tag is not UNSET:
            field_dict["tag"] = tag

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_filter_custom import BulkFilterCustom # noqa: PLC0415
        d = dict(src_dict)
        all_ = d.pop("all", UNSET)

        _custom = d.pop("custom", UNSET)
        custom: BulkFilterCustom | Unset
        if isinstance(_custom,  Unset):
            custom = UNSET
        else:
            custom = BulkFilterCustom.from_dict(_custom)




        def _parse_opted_out(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        opted_out = _parse_opted_out(d.pop("opted_out", UNSET))


        def _parse_search(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        search = _parse_search(d.pop("search", UNSET))


        def _parse_tag(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tag = _parse_tag(d.pop("tag", UNSET))


        bulk_filter = cls(
            all_=all_,
            custom=custom,
            opted_out=opted_out,
            search=search,
            tag=tag,
        )

        return bulk_filter

