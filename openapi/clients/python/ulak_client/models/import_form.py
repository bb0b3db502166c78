from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast






T = TypeVar("T", bound="ImportForm")



@_attrs_define
class ImportForm:
    """ The multipart body of an import (for the OpenAPI document).

        Attributes:
            file (File): The file: CSV, vCard, XLSX … (whatever the importer reads).
            dry_run (bool | None | Unset): `true`: count and check everything, write nothing.
            importer (None | str | Unset): The importer plugin's name; when absent, the enabled importer for the file's
                extension. Example: csv-importer.
            options (None | str | Unset): JSON object: `mapping` (column → `phone`, `first_name`, `last_name`, `full_name`,
                `email`,
                `tags`, `gender`, `honorific`, `language`, `notes`, `opted_out`, `consent`,
                `opt_out_reason`, `custom.<name>` or `ignore`; headers such as `Cinsiyet`, `Hitap`, `Dil`,
                `İzin` are recognised without it), `delimiter`, `encoding`, `has_header`, `sheet`,
                `default_region` (e.g. `TR`), `tags` (added to every contact), `update_existing` (`true`, the
                default: names and e-mail replace, tags and custom fields add, gender, honorific, language
                and notes only fill what a contact lacks, an opt-out is taken and a consent never undoes
                one; `"overwrite"`: everything the file gives replaces; `false`: existing contacts are
                skipped). Example: {"mapping": {"GSM": "phone", "Şehir": "custom.şehir"}, "tags": ["fuar-2026"]}.
     """

    file: File
    dry_run: bool | None | Unset = UNSET
    importer: None | str | Unset = UNSET
    options: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        dry_run: bool | None | Unset
        if isinstance(self.dry_run, Unset):
            dry_run = UNSET
        else:
            dry_run = self.dry_run

        importer: None | str | Unset
        if isinstance(self.importer, Unset):
            importer = UNSET
        else:
            importer = self.importer

        options: None | str | Unset
        if isinstance(self.options, Unset):
            options = UNSET
        else:
            options = self.options


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if importer is not UNSET:
            field_dict["importer"] = importer
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.dry_run, Unset):
            if isinstance(self.dry_run, bool):

                files.append(("dry_run", (None, str(self.dry_run).encode(), "text/plain")))
            else:
                files.append(("dry_run", (None, str(self.dry_run).encode(), "text/plain")))


        if not isinstance(self.importer, Unset):
            if isinstance(self.importer, str):

                files.append(("importer", (None, str(self.importer).encode(), "text/plain")))
            else:
                files.append(("importer", (None, str(self.importer).encode(), "text/plain")))


        if not isinstance(self.options, Unset):
            if isinstance(self.options, str):

                files.append(("options", (None, str(self.options).encode(), "text/plain")))
            else:
                files.append(("options", (None, str(self.options).encode(), "text/plain")))



        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        def _parse_dry_run(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        dry_run = _parse_dry_run(d.pop("dry_run", UNSET))


        def _parse_importer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        importer = _parse_importer(d.pop("importer", UNSET))


        def _parse_options(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        options = _parse_options(d.pop("options", UNSET))


        import_form = cls(
            file=file,
            dry_run=dry_run,
            importer=importer,
            options=options,
        )


        import_form.additional_properties = d
        return import_form

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
