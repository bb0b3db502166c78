from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.audience_custom import AudienceCustom





T = TypeVar("T", bound="Audience")



@_attrs_define
class Audience:
    """ A filter over contacts; every criterion given must hold.

        Attributes:
            all_ (bool | Unset): Every contact of the workspace (needed when no other criterion is given).
            contact_ids (list[str] | Unset): These contacts (ids are the E.164 digits).
            custom (AudienceCustom | Unset): Custom field name → value it must equal.
            exclude_tags (list[str] | Unset): Contacts with none of these tags. Example: ['test'].
            search (None | str | Unset): Matches names, email and phone (Turkish letters and case fold).
            tags_all (list[str] | Unset): Contacts with all of these tags.
            tags_any (list[str] | Unset): Contacts with at least one of these tags. Example: ['vip', 'istanbul'].
     """

    all_: bool | Unset = UNSET
    contact_ids: list[str] | Unset = UNSET
    custom: AudienceCustom | Unset = UNSET
    exclude_tags: list[str] | Unset = UNSET
    search: None | str | Unset = UNSET
    tags_all: list[str] | Unset = UNSET
    tags_any: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.audience_custom import AudienceCustom # noqa: PLC0415
        all_ = self.all_

        contact_ids: list[str] | Unset = UNSET
        if not isinstance(self.contact_ids, Unset):
            contact_ids = self.contact_ids



        custom: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom, Unset):
            custom = self.custom.to_dict()

        exclude_tags: list[str] | Unset = UNSET
        if not isinstance(self.exclude_tags, Unset):
            exclude_tags = self.exclude_tags



        search: None | str | Unset
        if isinstance(self.search, Unset):
            search = UNSET
        else:
            search = self.search

        tags_all: list[str] | Unset = UNSET
        if not isinstance(self.tags_all, Unset):
            tags_all = self.tags_all



        tags_any: list[str] | Unset = UNSET
        if not isinstance(self.tags_any, Unset):
            tags_any = self.tags_any




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if all_ is not UNSET:
            field_dict["all"] = all_
        if contact_ids is not UNSET:
            field_dict["contact_ids"] = contact_ids
        if custom is not UNSET:
            field_dict["custom"] = custom
        if exclude_tags is not UNSET:
            field_dict["exclude_tags"] = exclude_tags
        if search is not UNSET:
            field_dict["search"] = search
        if tags_all is not UNSET:
            field_dict["tags_all"] = tags_all
        if tags_any is not UNSET:
            field_dict["tags_any"] = tags_any

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audience_custom import AudienceCustom # noqa: PLC0415
        d = dict(src_dict)
        all_ = d.pop("all", UNSET)

        contact_ids = cast(list[str], d.pop("contact_ids", UNSET))


        _custom = d.pop("custom", UNSET)
        custom: AudienceCustom | Unset
        if isinstance(_custom,  Unset):
            custom = UNSET
        else:
            custom = AudienceCustom.from_dict(_custom)




        exclude_tags = cast(list[str], d.pop("exclude_tags", UNSET))


        def _parse_search(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        search = _parse_search(d.pop("search", UNSET))


        tags_all = cast(list[str], d.pop("tags_all", UNSET))


        tags_any = cast(list[str], d.pop("tags_any", UNSET))


        audience = cls(
            all_=all_,
            contact_ids=contact_ids,
            custom=custom,
            exclude_tags=exclude_tags,
            search=search,
            tags_all=tags_all,
            tags_any=tags_any,
        )

        return audience

