from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.audience import Audience
  from ..models.rate import Rate
  from ..models.schedule import Schedule





T = TypeVar("T", bound="CampaignInput")



@_attrs_define
class CampaignInput:
    """ 
        Attributes:
            audience (Audience): A filter over contacts; every criterion given must hold.
            channel (str): The channel's id. Example: c0k2m4n6p8r0t2v4x6z8.
            name (str):  Example: Kasım kampanyası.
            template (str): The template's id. Example: t0k2m4n6p8r0t2v4x6z8.
            rate (Rate | Unset): How fast a campaign sends. Defaults are what senders who care about bans use.
            schedule (Schedule | Unset):
     """

    audience: Audience
    channel: str
    name: str
    template: str
    rate: Rate | Unset = UNSET
    schedule: Schedule | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.audience import Audience # noqa: PLC0415
        from ..models.rate import Rate # noqa: PLC0415
        from ..models.schedule import Schedule # noqa: PLC0415
        audience = self.audience.to_dict()

        channel = self.channel

        name = self.name

        template = self.template

        rate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rate, Unset):
            rate = self.rate.to_dict()

        schedule: dict[str, Any] | Unset = UNSET
        if not isinstance(self.schedule, Unset):
            schedule = self.schedule.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "audience": audience,
            "channel": channel,
            "name": name,
            "template": template,
        })
        if rate is not UNSET:
            field_dict["rate"] = rate
        if schedule is not UNSET:
            field_dict["schedule"] = schedule

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audience import Audience # noqa: PLC0415
        from ..models.rate import Rate # noqa: PLC0415
        from ..models.schedule import Schedule # noqa: PLC0415
        d = dict(src_dict)
        audience = Audience.from_dict(d.pop("audience"))




        channel = d.pop("channel")

        name = d.pop("name")

        template = d.pop("template")

        _rate = d.pop("rate", UNSET)
        rate: Rate | Unset
        if isinstance(_rate,  Unset):
            rate = UNSET
        else:
            rate = Rate.from_dict(_rate)




        _schedule = d.pop("schedule", UNSET)
        schedule: Schedule | Unset
        if isinstance(_schedule,  Unset):
            schedule = UNSET
        else:
            schedule = Schedule.from_dict(_schedule)




        campaign_input = cls(
            audience=audience,
            channel=channel,
            name=name,
            template=template,
            rate=rate,
            schedule=schedule,
        )

        return campaign_input

