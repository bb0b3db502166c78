from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.bulk_kind import BulkKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.bulk_filter import BulkFilter





T = TypeVar("T", bound="BulkRequest")



@_attrs_define
class BulkRequest:
    """ 
        Attributes:
            action (BulkKind):
            filter_ (BulkFilter): The filter of a bulk action; at least one criterion, or `all: true`.
            tags (list[str] | Unset): The tags to add or remove (tag and untag only).
     """

    action: BulkKind
    filter_: BulkFilter
    tags: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.bulk_filter import BulkFilter # noqa: PLC0415
        action = self.action.value

        filter_ = self.filter_.to_dict()

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "filter": filter_,
        })
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_filter import BulkFilter # noqa: PLC0415
        d = dict(src_dict)
        action = BulkKind(d.pop("action"))




        filter_ = BulkFilter.from_dict(d.pop("filter"))




        tags = cast(list[str], d.pop("tags", UNSET))


        bulk_request = cls(
            action=action,
            filter_=filter_,
            tags=tags,
        )

        return bulk_request

