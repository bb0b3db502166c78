from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.template_channel_hints import TemplateChannelHints





T = TypeVar("T", bound="Template")



@_attrs_define
class Template:
    """ 
        Attributes:
            body (str):  Example: %sayın%, %kampanya_kodu% kodu ile %50 indirim! {{#if (has_tag "vip")}}VIP hediyeniz
                hazır.{{/if}}.
            channel_hints (TemplateChannelHints): Per-channel data, e.g. `{"whatsapp_cloud": {"template_name": "kasim",
                "language": "tr", "parameters": ["ad"]}}`.
            created_at (datetime.datetime):
            id (str):  Example: t0k2m4n6p8r0t2v4x6z8.
            media (list[str]): Media ids attached to every message.
            name (str):  Example: Kasım kampanyası.
            tags (list[str]):
            updated_at (datetime.datetime):
            variables (list[str]): Workspace variables the body uses (a used variable cannot be deleted).
     """

    body: str
    channel_hints: TemplateChannelHints
    created_at: datetime.datetime
    id: str
    media: list[str]
    name: str
    tags: list[str]
    updated_at: datetime.datetime
    variables: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.template_channel_hints import TemplateChannelHints # noqa: PLC0415
        body = self.body

        channel_hints = self.channel_hints.to_dict()

        created_at = self.created_at.isoformat()

        id = self.id

        media = self.media



        name = self.name

        tags = self.tags



        updated_at = self.updated_at.isoformat()

        variables = self.variables




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "body": body,
            "channel_hints": channel_hints,
            "created_at": created_at,
            "id": id,
            "media": media,
            "name": name,
            "tags": tags,
            "updated_at": updated_at,
            "variables": variables,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_channel_hints import TemplateChannelHints # noqa: PLC0415
        d = dict(src_dict)
        body = d.pop("body")

        channel_hints = TemplateChannelHints.from_dict(d.pop("channel_hints"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        media = cast(list[str], d.pop("media"))


        name = d.pop("name")

        tags = cast(list[str], d.pop("tags"))


        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        variables = cast(list[str], d.pop("variables"))


        template = cls(
            body=body,
            channel_hints=channel_hints,
            created_at=created_at,
            id=id,
            media=media,
            name=name,
            tags=tags,
            updated_at=updated_at,
            variables=variables,
        )


        template.additional_properties = d
        return template

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
