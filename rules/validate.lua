-- rules/validate.lua: how `dbxmig validate` compares what the rules said
-- the target should hold (mapped/) with what the target holds
-- (validation/). Data only: it returns one table per kind (the plural
-- names of --only) plus "*" for every kind. Extend it when your workspace
-- has fields the comparison should not count.
--
-- Each kind's table may hold:
--   ignore           = { PATH, ... }   server-generated or read-only fields
--                                      (the kinds registry's read-only
--                                      fields are ignored already)
--   sets             = { PATH, ... }   lists whose order means nothing
--   keyed            = { [PATH] = FIELD }  lists of objects matched by a
--                                      field (tasks by task_key)
--   case_insensitive = { PATH, ... }   strings compared ignoring case
--   defaults         = { [PATH] = VALUE }  what the server fills in when a
--                                      field is left out
--   refs             = { [PATH] = KIND }   fields naming objects of another
--                                      kind (more than the registry knows)
--   ignore_keys      = { GLOB, ... }   objects left out altogether
--                                      (built-in groups, say); ${self} is
--                                      the user or service principal that
--                                      imports
--   optional         = { [PATH] = true | { FIELD = VALUE, ... } }
--                                      may be absent from the target
--                                      (only elements holding those
--                                      values, with a table); a list of
--                                      paths works too
--   self_entries     = { PATH, ... }   list entries naming the principal
--                                      that imports (the target gives it
--                                      rights on what it creates) are
--                                      left out on both sides
--   emails_case_insensitive = true|false   ("*" only; default true)
--
-- PATH: dotted keys from the object root; [] any element of a list; * any
-- one key; ** any number of steps; ["a.b"] a key with dots in it.
-- Null values count as absent.

local acl = {
	-- the permissions GET reply: who holds what, in no order
	sets = {
		"access_control_list",
		"access_control_list[].all_permissions",
	},
	ignore = {
		"access_control_list[].display_name",
		"access_control_list[].all_permissions[].inherited_from_object",
	},
	refs = {
		["access_control_list[].user_name"] = "principal_names",
		["access_control_list[].service_principal_name"] = "principal_names",
	},
}

-- Unity Catalog grants (export's "grants": privilege_assignments): one
-- entry per principal, privileges in no order
local uc_grants = {
	keyed = { grants = "principal" },
	sets = { "grants[].privileges" },
	refs = { ["grants[].principal"] = "principal_names" },
}

return {
	["*"] = {
		emails_case_insensitive = true,
		sets = acl.sets,
		ignore = acl.ignore,
		refs = acl.refs,
		self_entries = { "access_control_list[]", "acls[]" },
	},

	users = {
		ignore = { "schemas", "meta", "groups", "emails[].display" },
		sets = { "emails", "entitlements", "roles" },
		case_insensitive = { "userName", "emails[].value" },
	},

	service_principals = {
		-- a service principal gets a new application id on another cloud;
		-- the journal matches it
		ignore = { "schemas", "meta", "groups", "applicationId" },
		sets = { "entitlements", "roles" },
	},

	groups = {
		ignore = { "schemas", "meta", "members[].$ref", "members[].display", "groups" },
		sets = { "members", "entitlements", "roles" },
		-- every workspace has these; they are not migrated objects
		ignore_keys = { "admins", "users" },
	},

	instance_profiles = {},

	cluster_policies = {
		ignore = { "created_at_timestamp", "is_default" },
	},

	instance_pools = {
		ignore = { "stats", "status", "state", "default_tags" },
		sets = { "preloaded_spark_versions", "preloaded_docker_images" },
	},

	clusters = {
		ignore = { "state", "state_message", "start_time", "terminated_time",
			"last_activity_time", "last_restarted_time", "last_state_loss_time",
			"termination_reason", "driver", "executors", "spark_context_id",
			"jdbc_port", "cluster_memory_mb", "cluster_cores", "default_tags",
			"cluster_log_status", "spec", "effective_spark_version",
			"libraries[].status", "libraries[].messages" },
		sets = { "libraries", "ssh_public_keys" },
		defaults = {
			-- AWS picks the zone when the spec leaves it out
			["aws_attributes.zone_id"] = "auto",
		},
	},

	workspace = {
		ignore = { "created_at", "modified_at", "resource_id", "size", "object_id" },
		-- the importing user's own home folder ("${self}": that user)
		ignore_keys = { "/Users/${self}", "/Users/${self}/*" },
	},

	repos = {
		ignore = { "head_commit_id", "id" },
	},

	secrets = {
		ignore = { "keys[].last_updated_timestamp" },
		sets = { "keys", "acls" },
		-- values cannot be read over REST: a key whose value was not given
		-- to import is a follow-up (re-enter it), not a difference
		optional = { ["keys[]"] = { value_status = "NEEDS_REENTRY" } },
	},

	global_init_scripts = {
		ignore = { "created_at", "created_by", "updated_at", "updated_by" },
	},

	sql_warehouses = {
		ignore = { "state", "health", "num_clusters", "num_active_sessions", "jdbc_url",
			"odbc_params", "creator_name", "creator_id" },
		sets = { "tags.custom_tags" },
	},

	-- Unity Catalog: owners and comments are compared; ids, times and the
	-- metastore are the target's. export marks every credential manual
	-- (the target's read-back too): that note is not a setting.
	storage_credentials = {
		ignore = { "manual" },
		defaults = { read_only = false },
		keyed = uc_grants.keyed, sets = uc_grants.sets, refs = uc_grants.refs,
	},
	external_locations = {
		defaults = { read_only = false },
		keyed = uc_grants.keyed, sets = uc_grants.sets, refs = uc_grants.refs,
	},
	catalogs = {
		keyed = uc_grants.keyed, sets = uc_grants.sets, refs = uc_grants.refs,
	},
	schemas = {
		keyed = uc_grants.keyed, sets = uc_grants.sets, refs = uc_grants.refs,
		-- a new catalog's default schema comes with it, ownerless
		optional = { "owner" },
	},
	tables = {
		-- export's note on tables import cannot create (the target's too)
		ignore = { "manual" },
		keyed = uc_grants.keyed, sets = uc_grants.sets, refs = uc_grants.refs,
	},
	volumes = {
		keyed = uc_grants.keyed, sets = uc_grants.sets, refs = uc_grants.refs,
	},

	queries = {
		sets = { "tags" },
	},

	alerts = {},

	dashboards = {
		-- the target publishes a revision of its own
		ignore = { "published.revision_create_time" },
	},

	pipelines = {
		ignore = { "latest_updates", "last_modified", "state", "cluster_id", "health", "cause" },
		keyed = { ["spec.clusters"] = "label" },
		sets = { "spec.libraries", "spec.notifications", "spec.notifications[].alerts",
			"spec.notifications[].email_recipients" },
	},

	jobs = {
		ignore = { "created_time", "creator_user_name", "run_as_user_name", "run_as_owner",
			"settings.format" },
		keyed = {
			["settings.tasks"] = "task_key",
			["settings.job_clusters"] = "job_cluster_key",
			["settings.parameters"] = "name",
			["settings.environments"] = "environment_key",
		},
		sets = {
			"settings.tasks[].depends_on",
			"settings.tasks[].libraries",
			"settings.email_notifications.*",
			"settings.tasks[].email_notifications.*",
			"settings.webhook_notifications.*",
		},
		defaults = {
			["settings.max_concurrent_runs"] = 1,
			["settings.timeout_seconds"] = 0,
			["settings.email_notifications"] = {},
			["settings.webhook_notifications"] = {},
		},
	},

	-- the Hive metastore (src/hive.h): tables and views by name (a table a
	-- rule marked "manual" may be missing: a follow-up)
	hive_metastore = {
		keyed = { tables = "name" },
	},
}
