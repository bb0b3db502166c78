""" Contains all the data models used in inputs/outputs """

from .accept_invitation import AcceptInvitation
from .actor import Actor
from .api_token import ApiToken
from .approved_template import ApprovedTemplate
from .approved_templates import ApprovedTemplates
from .attempt import Attempt
from .audience import Audience
from .audience_custom import AudienceCustom
from .bulk_filter import BulkFilter
from .bulk_filter_custom import BulkFilterCustom
from .bulk_kind import BulkKind
from .bulk_request import BulkRequest
from .bulk_result import BulkResult
from .campaign import Campaign
from .campaign_event import CampaignEvent
from .campaign_event_data import CampaignEventData
from .campaign_event_data_counts_type_0 import CampaignEventDataCountsType0
from .campaign_input import CampaignInput
from .campaign_state import CampaignState
from .catalogue import Catalogue
from .catalogue_entry import CatalogueEntry
from .change_password_request import ChangePasswordRequest
from .change_role import ChangeRole
from .channel import Channel
from .channel_config import ChannelConfig
from .channel_event_data import ChannelEventData
from .channel_health import ChannelHealth
from .channel_kind import ChannelKind
from .channel_state import ChannelState
from .channel_update import ChannelUpdate
from .channel_update_config_type_0 import ChannelUpdateConfigType0
from .config_field import ConfigField
from .config_type import ConfigType
from .contact import Contact
from .contact_count import ContactCount
from .contact_custom_fields import ContactCustomFields
from .contact_event_data import ContactEventData
from .contact_input import ContactInput
from .contact_input_custom_fields_type_0 import ContactInputCustomFieldsType0
from .counts import Counts
from .create_role import CreateRole
from .create_token import CreateToken
from .created_invitation import CreatedInvitation
from .created_token import CreatedToken
from .day import Day
from .day_counts import DayCounts
from .delivery import Delivery
from .direction import Direction
from .dry_run import DryRun
from .dry_run_skipped import DryRunSkipped
from .error_body import ErrorBody
from .gender import Gender
from .health import Health
from .hook_result import HookResult
from .import_counts import ImportCounts
from .import_event_data import ImportEventData
from .import_event_data_counts import ImportEventDataCounts
from .import_form import ImportForm
from .import_job import ImportJob
from .import_job_columns import ImportJobColumns
from .import_status import ImportStatus
from .install_form import InstallForm
from .installed import Installed
from .invitation import Invitation
from .invite_member import InviteMember
from .kind import Kind
from .last_error import LastError
from .log_line import LogLine
from .login_request import LoginRequest
from .login_response import LoginResponse
from .me_response import MeResponse
from .media import Media
from .media_kind import MediaKind
from .media_ref import MediaRef
from .member import Member
from .message import Message
from .message_attachment import MessageAttachment
from .message_event_data import MessageEventData
from .message_stats import MessageStats
from .my_permissions import MyPermissions
from .new_channel import NewChannel
from .new_channel_config import NewChannelConfig
from .new_webhook import NewWebhook
from .notice_choices import NoticeChoices
from .notices import Notices
from .number_check import NumberCheck
from .number_on_whatsapp import NumberOnWhatsapp
from .opt_out_words import OptOutWords
from .page_api_token import PageApiToken
from .page_api_token_items_item import PageApiTokenItemsItem
from .page_audit_entry import PageAuditEntry
from .page_audit_entry_items_item import PageAuditEntryItemsItem
from .page_audit_entry_items_item_details import PageAuditEntryItemsItemDetails
from .page_campaign import PageCampaign
from .page_campaign_items_item import PageCampaignItemsItem
from .page_channel import PageChannel
from .page_channel_items_item import PageChannelItemsItem
from .page_channel_items_item_config import PageChannelItemsItemConfig
from .page_contact import PageContact
from .page_contact_items_item import PageContactItemsItem
from .page_contact_items_item_custom_fields import PageContactItemsItemCustomFields
from .page_conversation import PageConversation
from .page_conversation_items_item import PageConversationItemsItem
from .page_delivery import PageDelivery
from .page_delivery_items_item import PageDeliveryItemsItem
from .page_event import PageEvent
from .page_event_items_item import PageEventItemsItem
from .page_invitation import PageInvitation
from .page_invitation_items_item import PageInvitationItemsItem
from .page_media import PageMedia
from .page_media_items_item import PageMediaItemsItem
from .page_member import PageMember
from .page_member_items_item import PageMemberItemsItem
from .page_message import PageMessage
from .page_message_items_item import PageMessageItemsItem
from .page_plugin_info import PagePluginInfo
from .page_plugin_info_items_item import PagePluginInfoItemsItem
from .page_plugin_info_items_item_config_schema import PagePluginInfoItemsItemConfigSchema
from .page_role import PageRole
from .page_role_items_item import PageRoleItemsItem
from .page_template import PageTemplate
from .page_template_items_item import PageTemplateItemsItem
from .page_template_items_item_channel_hints import PageTemplateItemsItemChannelHints
from .page_user import PageUser
from .page_user_items_item import PageUserItemsItem
from .page_variable import PageVariable
from .page_variable_items_item import PageVariableItemsItem
from .page_webhook import PageWebhook
from .page_webhook_items_item import PageWebhookItemsItem
from .page_workspace import PageWorkspace
from .page_workspace_items_item import PageWorkspaceItemsItem
from .page_workspace_plugin import PageWorkspacePlugin
from .page_workspace_plugin_items_item import PageWorkspacePluginItemsItem
from .page_workspace_plugin_items_item_config import PageWorkspacePluginItemsItemConfig
from .page_workspace_plugin_items_item_effective_config import PageWorkspacePluginItemsItemEffectiveConfig
from .pair_code_request import PairCodeRequest
from .pairing_code import PairingCode
from .permission import Permission
from .permissions import Permissions
from .plugin_info import PluginInfo
from .plugin_info_config_schema import PluginInfoConfigSchema
from .plugin_kind import PluginKind
from .plugin_log import PluginLog
from .plugin_setting_input import PluginSettingInput
from .plugin_setting_input_config_type_0 import PluginSettingInputConfigType0
from .preview_request import PreviewRequest
from .progress import Progress
from .progress_event import ProgressEvent
from .rate import Rate
from .receive_channel_hook_body import ReceiveChannelHookBody
from .register_request import RegisterRequest
from .register_response import RegisterResponse
from .render_request import RenderRequest
from .render_warning import RenderWarning
from .rendered import Rendered
from .reply import Reply
from .reset_confirm import ResetConfirm
from .reset_request import ResetRequest
from .role import Role
from .row_issue import RowIssue
from .sample import Sample
from .schedule import Schedule
from .send_request import SendRequest
from .send_request_variables import SendRequestVariables
from .status import Status
from .status_change import StatusChange
from .template import Template
from .template_channel_hints import TemplateChannelHints
from .template_input import TemplateInput
from .template_input_channel_hints import TemplateInputChannelHints
from .test_send import TestSend
from .test_send_input import TestSendInput
from .test_send_result import TestSendResult
from .test_sent import TestSent
from .update_role import UpdateRole
from .upload_form import UploadForm
from .user import User
from .variable import Variable
from .variable_input import VariableInput
from .wa_contact import WaContact
from .wa_contact_import import WaContactImport
from .wa_contact_import_update_existing_type_0 import WaContactImportUpdateExistingType0
from .wa_contact_page import WaContactPage
from .webhook import Webhook
from .webhook_event_data import WebhookEventData
from .webhook_update import WebhookUpdate
from .webhook_with_secret import WebhookWithSecret
from .window import Window
from .workspace import Workspace
from .workspace_name import WorkspaceName
from .workspace_plugin import WorkspacePlugin
from .workspace_plugin_config import WorkspacePluginConfig
from .workspace_plugin_effective_config import WorkspacePluginEffectiveConfig
from .workspace_update import WorkspaceUpdate

__all__ = (
    "AcceptInvitation",
    "Actor",
    "ApiToken",
    "ApprovedTemplate",
    "ApprovedTemplates",
    "Attempt",
    "Audience",
    "AudienceCustom",
    "BulkFilter",
    "BulkFilterCustom",
    "BulkKind",
    "BulkRequest",
    "BulkResult",
    "Campaign",
    "CampaignEvent",
    "CampaignEventData",
    "CampaignEventDataCountsType0",
    "CampaignInput",
    "CampaignState",
    "Catalogue",
    "CatalogueEntry",
    "ChangePasswordRequest",
    "ChangeRole",
    "Channel",
    "ChannelConfig",
    "ChannelEventData",
    "ChannelHealth",
    "ChannelKind",
    "ChannelState",
    "ChannelUpdate",
    "ChannelUpdateConfigType0",
    "ConfigField",
    "ConfigType",
    "Contact",
    "ContactCount",
    "ContactCustomFields",
    "ContactEventData",
    "ContactInput",
    "ContactInputCustomFieldsType0",
    "Counts",
    "CreatedInvitation",
    "CreatedToken",
    "CreateRole",
    "CreateToken",
    "Day",
    "DayCounts",
    "Delivery",
    "Direction",
    "DryRun",
    "DryRunSkipped",
    "ErrorBody",
    "Gender",
    "Health",
    "HookResult",
    "ImportCounts",
    "ImportEventData",
    "ImportEventDataCounts",
    "ImportForm",
    "ImportJob",
    "ImportJobColumns",
    "ImportStatus",
    "Installed",
    "InstallForm",
    "Invitation",
    "InviteMember",
    "Kind",
    "LastError",
    "LoginRequest",
    "LoginResponse",
    "LogLine",
    "Media",
    "MediaKind",
    "MediaRef",
    "Member",
    "MeResponse",
    "Message",
    "MessageAttachment",
    "MessageEventData",
    "MessageStats",
    "MyPermissions",
    "NewChannel",
    "NewChannelConfig",
    "NewWebhook",
    "NoticeChoices",
    "Notices",
    "NumberCheck",
    "NumberOnWhatsapp",
    "OptOutWords",
    "PageApiToken",
    "PageApiTokenItemsItem",
    "PageAuditEntry",
    "PageAuditEntryItemsItem",
    "PageAuditEntryItemsItemDetails",
    "PageCampaign",
    "PageCampaignItemsItem",
    "PageChannel",
    "PageChannelItemsItem",
    "PageChannelItemsItemConfig",
    "PageContact",
    "PageContactItemsItem",
    "PageContactItemsItemCustomFields",
    "PageConversation",
    "PageConversationItemsItem",
    "PageDelivery",
    "PageDeliveryItemsItem",
    "PageEvent",
    "PageEventItemsItem",
    "PageInvitation",
    "PageInvitationItemsItem",
    "PageMedia",
    "PageMediaItemsItem",
    "PageMember",
    "PageMemberItemsItem",
    "PageMessage",
    "PageMessageItemsItem",
    "PagePluginInfo",
    "PagePluginInfoItemsItem",
    "PagePluginInfoItemsItemConfigSchema",
    "PageRole",
    "PageRoleItemsItem",
    "PageTemplate",
    "PageTemplateItemsItem",
    "PageTemplateItemsItemChannelHints",
    "PageUser",
    "PageUserItemsItem",
    "PageVariable",
    "PageVariableItemsItem",
    "PageWebhook",
    "PageWebhookItemsItem",
    "PageWorkspace",
    "PageWorkspaceItemsItem",
    "PageWorkspacePlugin",
    "PageWorkspacePluginItemsItem",
    "PageWorkspacePluginItemsItemConfig",
    "PageWorkspacePluginItemsItemEffectiveConfig",
    "PairCodeRequest",
    "PairingCode",
    "Permission",
    "Permissions",
    "PluginInfo",
    "PluginInfoConfigSchema",
    "PluginKind",
    "PluginLog",
    "PluginSettingInput",
    "PluginSettingInputConfigType0",
    "PreviewRequest",
    "Progress",
    "ProgressEvent",
    "Rate",
    "ReceiveChannelHookBody",
    "RegisterRequest",
    "RegisterResponse",
    "Rendered",
    "RenderRequest",
    "RenderWarning",
    "Reply",
    "ResetConfirm",
    "ResetRequest",
    "Role",
    "RowIssue",
    "Sample",
    "Schedule",
    "SendRequest",
    "SendRequestVariables",
    "Status",
    "StatusChange",
    "Template",
    "TemplateChannelHints",
    "TemplateInput",
    "TemplateInputChannelHints",
    "TestSend",
    "TestSendInput",
    "TestSendResult",
    "TestSent",
    "UpdateRole",
    "UploadForm",
    "User",
    "Variable",
    "VariableInput",
    "WaContact",
    "WaContactImport",
    "WaContactImportUpdateExistingType0",
    "WaContactPage",
    "Webhook",
    "WebhookEventData",
    "WebhookUpdate",
    "WebhookWithSecret",
    "Window",
    "Workspace",
    "WorkspaceName",
    "WorkspacePlugin",
    "WorkspacePluginConfig",
    "WorkspacePluginEffectiveConfig",
    "WorkspaceUpdate",
)
