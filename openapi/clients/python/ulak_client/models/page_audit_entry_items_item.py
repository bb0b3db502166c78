from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.actor import Actor
  from ..models.page_audit_entry_items_item_details import PageAuditEntryItemsItemDetails





T = TypeVar("T", bound="PageAuditEntryItemsItem")



@_attrs_define
class PageAuditEntryItemsItem:
    """ One entry of the audit log.

        Attributes:
            action (str):  Example: token.created.
            actor (Actor): Who did it: a signed-in user, an API token (and the user who made it), or, for a failed
                sign-in, nobody known.
            at (datetime.datetime):
            details (PageAuditEntryItemsItemDetails): More about it, by action (the new role, the plugin's version, the
                changed fields…).
            id (str): Ordered by time (a ULID): the cursor of the next page. Example: 01JDZ8Q6W3A0S7T5ZK8N2M4P6R.
            ip (None | str | Unset): The client's address (behind the configured reverse proxies). Example: 203.0.113.7.
            target (None | str | Unset): What was acted on: an id, or a plugin's name.
            workspace (None | str | Unset): The workspace it happened in; none for instance actions (sign-ins, plugin
                installs).
     """

    action: str
    actor: Actor
    at: datetime.datetime
    details: PageAuditEntryItemsItemDetails
    id: str
    ip: None | str | Unset = UNSET
    target: None | str | Unset = UNSET
    workspace: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.actor import Actor # noqa: PLC0415
        from ..models.page_audit_entry_items_item_details import PageAuditEntryItemsItemDetails # noqa: PLC0415
        action = self.action

        actor = self.actor.to_dict()

        at = self.at.isoformat()

        details = self.details.to_dict()

        id = self.id

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        target: None | str | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        else:
            target = self.target

        workspace: None | str | Unset
        if isinstance(self.workspace, Unset):
            workspace = UNSET
        else:
            workspace = self.workspace


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "actor": actor,
            "at": at,
            "details": details,
            "id": id,
        })
        if ip is not UNSET:
            field_dict["ip"] = ip
        if target is not UNSET:
            field_dict["target"] = target
        if workspace is not UNSET:
            field_dict["workspace"] = workspace

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor # noqa: PLC0415
        from ..models.page_audit_entry_items_item_details import PageAuditEntryItemsItemDetails # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action")

        actor = Actor.from_dict(d.pop("actor"))




        at = datetime.datetime.fromisoformat(d.pop("at"))




        details = PageAuditEntryItemsItemDetails.from_dict(d.pop("details"))




        id = d.pop("id")

        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))


        def _parse_target(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target = _parse_target(d.pop("target", UNSET))


        def _parse_workspace(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        workspace = _parse_workspace(d.pop("workspace", UNSET))


        page_audit_entry_items_item = cls(
            action=action,
            actor=actor,
            at=at,
            details=details,
            id=id,
            ip=ip,
            target=target,
            workspace=workspace,
        )


        page_audit_entry_items_item.additional_properties = d
        return page_audit_entry_items_item

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
