from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.template_input_channel_hints import TemplateInputChannelHints





T = TypeVar("T", bound="TemplateInput")



@_attrs_define
class TemplateInput:
    """ 
        Attributes:
            body (str):  Example: %sayın%, %ad|Değerli müşterimiz% için %tarih% tarihine özel %50 indirim..
            name (str):  Example: Kasım kampanyası.
            channel_hints (TemplateInputChannelHints | Unset):
            media (list[str] | Unset):
            tags (list[str] | Unset):
     """

    body: str
    name: str
    channel_hints: TemplateInputChannelHints | Unset = UNSET
    media: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.template_input_channel_hints import TemplateInputChannelHints # noqa: PLC0415
        body = self.body

        name = self.name

        channel_hints: dict[str, Any] | Unset = UNSET
        if not isinstance(self.channel_hints, Unset):
            channel_hints = self.channel_hints.to_dict()

        media: list[str] | Unset = UNSET
        if not isinstance(self.media, Unset):
            media = self.media



        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "body": body,
            "name": name,
        })
        if channel_hints is not UNSET:
            field_dict["channel_hints"] = channel_hints
        if media is not UNSET:
            field_dict["media"] = media
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_input_channel_hints import TemplateInputChannelHints # noqa: PLC0415
        d = dict(src_dict)
        body = d.pop("body")

        name = d.pop("name")

        _channel_hints = d.pop("channel_hints", UNSET)
        channel_hints: TemplateInputChannelHints | Unset
        if isinstance(_channel_hints,  Unset):
            channel_hints = UNSET
        else:
            channel_hints = TemplateInputChannelHints.from_dict(_channel_hints)




        media = cast(list[str], d.pop("media", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        template_input = cls(
            body=body,
            name=name,
            channel_hints=channel_hints,
            media=media,
            tags=tags,
        )

        return template_input

