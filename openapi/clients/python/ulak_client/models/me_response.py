from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.user import User





T = TypeVar("T", bound="MeResponse")



@_attrs_define
class MeResponse:
    """ 
        Attributes:
            authenticated_by (str): `session` or `token`. Example: session.
            user (User): A user as the API shows it.
            csrf_token (None | str | Unset): For sessions: the token to send as `X-CSRF-Token` on mutating requests.
            token_id (None | str | Unset): For API tokens: the token's id and its workspace.
            token_workspace (None | str | Unset):
     """

    authenticated_by: str
    user: User
    csrf_token: None | str | Unset = UNSET
    token_id: None | str | Unset = UNSET
    token_workspace: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.user import User # noqa: PLC0415
        authenticated_by = self.authenticated_by

        user = self.user.to_dict()

        csrf_token: None | str | Unset
        if isinstance(self.csrf_token, Unset):
            csrf_token = UNSET
        else:
            csrf_token = self.csrf_token

        token_id: None | str | Unset
        if isinstance(self.token_id, Unset):
            token_id = UNSET
        else:
            token_id = self.token_id

        token_workspace: None | str | Unset
        if isinstance(self.token_workspace, Unset):
            token_workspace = UNSET
        else:
            token_workspace = self.token_workspace


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "authenticated_by": authenticated_by,
            "user": user,
        })
        if csrf_token is not UNSET:
            field_dict["csrf_token"] = csrf_token
        if token_id is not UNSET:
            field_dict["token_id"] = token_id
        if token_workspace is not UNSET:
            field_dict["token_workspace"] = token_workspace

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user import User # noqa: PLC0415
        d = dict(src_dict)
        authenticated_by = d.pop("authenticated_by")

        user = User.from_dict(d.pop("user"))




        def _parse_csrf_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        csrf_token = _parse_csrf_token(d.pop("csrf_token", UNSET))


        def _parse_token_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token_id = _parse_token_id(d.pop("token_id", UNSET))


        def _parse_token_workspace(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token_workspace = _parse_token_workspace(d.pop("token_workspace", UNSET))


        me_response = cls(
            authenticated_by=authenticated_by,
            user=user,
            csrf_token=csrf_token,
            token_id=token_id,
            token_workspace=token_workspace,
        )


        me_response.additional_properties = d
        return me_response

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
