from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.campaign_event_data import CampaignEventData
  from ..models.channel_event_data import ChannelEventData
  from ..models.contact_event_data import ContactEventData
  from ..models.import_event_data import ImportEventData
  from ..models.message_event_data import MessageEventData
  from ..models.webhook_event_data import WebhookEventData





T = TypeVar("T", bound="PageEventItemsItem")



@_attrs_define
class PageEventItemsItem:
    """ One event of the log.

        Attributes:
            at (datetime.datetime):
            data (CampaignEventData | ChannelEventData | ContactEventData | ImportEventData | MessageEventData |
                WebhookEventData): The payload of an event, by the type's first part.
            id (str): Ordered by time: the cursor of `…/events?after=` and the stream's `Last-Event-ID`. Example:
                01JDZ8Q6W3A0S7T5ZK8N2M4P6R.
            type_ (str):  Example: message.delivered.
     """

    at: datetime.datetime
    data: CampaignEventData | ChannelEventData | ContactEventData | ImportEventData | MessageEventData | WebhookEventData
    id: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.campaign_event_data import CampaignEventData # noqa: PLC0415
        from ..models.channel_event_data import ChannelEventData # noqa: PLC0415
        from ..models.contact_event_data import ContactEventData # noqa: PLC0415
        from ..models.import_event_data import ImportEventData # noqa: PLC0415
        from ..models.message_event_data import MessageEventData # noqa: PLC0415
        from ..models.webhook_event_data import WebhookEventData # noqa: PLC0415
        at = self.at.isoformat()

        data: dict[str, Any]
        if isinstance(self.data, MessageEventData):
            data = self.data.to_dict()
        elif isinstance(self.data, CampaignEventData):
            data = self.data.to_dict()
        elif isinstance(self.data, ContactEventData):
            data = self.data.to_dict()
        elif isinstance(self.data, ImportEventData):
            data = self.data.to_dict()
        elif isinstance(self.data, ChannelEventData):
            data = self.data.to_dict()
        else:
            data = self.data.to_dict()


        id = self.id

        type_ = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
            "data": data,
            "id": id,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.campaign_event_data import CampaignEventData # noqa: PLC0415
        from ..models.channel_event_data import ChannelEventData # noqa: PLC0415
        from ..models.contact_event_data import ContactEventData # noqa: PLC0415
        from ..models.import_event_data import ImportEventData # noqa: PLC0415
        from ..models.message_event_data import MessageEventData # noqa: PLC0415
        from ..models.webhook_event_data import WebhookEventData # noqa: PLC0415
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))




        def _parse_data(data: object) -> CampaignEventData | ChannelEventData | ContactEventData | ImportEventData | MessageEventData | WebhookEventData:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_event_data_type_0 = MessageEventData.from_dict(data)



                return componentsschemas_event_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_event_data_type_1 = CampaignEventData.from_dict(data)



                return componentsschemas_event_data_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_event_data_type_2 = ContactEventData.from_dict(data)



                return componentsschemas_event_data_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_event_data_type_3 = ImportEventData.from_dict(data)



                return componentsschemas_event_data_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_event_data_type_4 = ChannelEventData.from_dict(data)



                return componentsschemas_event_data_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_event_data_type_5 = WebhookEventData.from_dict(data)



            return componentsschemas_event_data_type_5

        data = _parse_data(d.pop("data"))


        id = d.pop("id")

        type_ = d.pop("type")

        page_event_items_item = cls(
            at=at,
            data=data,
            id=id,
            type_=type_,
        )


        page_event_items_item.additional_properties = d
        return page_event_items_item

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
