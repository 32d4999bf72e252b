-- rules/azure_to_aws.lua: the shipped Azure -> AWS rules (see docs/RULES.md).
--
-- What this file decides, and why:
-- * Node types: every Azure type of the Databricks node type table (and
--   a few older sizes) gets one deliberate AWS pick with the same vCPU
--   count and at least the same memory. A type with a local temp/NVMe disk
--   maps to an AWS type with instance storage (Spark spills and caches
--   there); a type without maps to an EBS-only type, and the cluster then
--   gets one 100 GiB gp SSD volume per node.
--   The pick is current-generation x86 (m6id/r6id/c6id, m6i/r6i/c6i,
--   i4i/i7i for the L-series), never HDD (d3en) or Graviton (m6gd/r6gd),
--   even where the reference table offers those: the source ran on x86, so
--   wheels, JARs with native code and init scripts that install .deb
--   packages keep working (the few Arm sizes, Dp*/Ep* v6, map to x86 too:
--   the Databricks runtime is the same on both); Graviton is one CSV line
--   away (--var node_type_map=FILE.csv, lines azure_type,aws_type).
-- * GPU types keep the GPU model class and count first, then memory; where
--   AWS has no size with both, the pick warns (NOTES). Azure's 1-4 GPU A100
--   sizes have no pick at all (NO_PICK): the only AWS A100 type has 8.
-- * An Azure type missing from the tables is an error, never kept: a
--   cluster that cannot start on AWS is worse than a failed object.
-- * fs.azure.* Spark settings are removed (with a warning): they carry
--   ADLS credentials and endpoints that mean nothing on AWS, and kept they
--   would be dead configuration naming the old storage account.
-- * Instance pools: AWS pools have no spot-with-fallback (SPOT, with a
--   warning) and a minimum volume size per disk type (raised, with a
--   warning).
-- * abfss:// init scripts are removed (with a warning that suggests a
--   workspace-files path): an AWS workspace rejects abfss destinations, and
--   a cluster without its init script can still be created and fixed.
-- * Azure Key Vault-backed secret scopes become Databricks-backed scopes of
--   the same name and ACLs (with a warning): code calling
--   dbutils.secrets.get("scope", "key") keeps working once the values are
--   re-entered, while dropping the scope would break every reader.

-- Azure type -> AWS type. The comment is the Azure size.
local NODE_TYPES = {
	Standard_D128ds_v6     = "m6id.32xlarge", -- 128 vCPU 512 GiB, local disk
	Standard_D12_v2        = "r6id.xlarge",   -- 4 vCPU 28 GiB, local disk
	Standard_D13_v2        = "r6id.2xlarge",  -- 8 vCPU 56 GiB, local disk
	Standard_D14_v2        = "r6id.4xlarge",  -- 16 vCPU 112 GiB, local disk
	Standard_D16_v3        = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16a_v4       = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16ads_v5     = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16ads_v6     = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16as_v4      = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16as_v5      = "m6i.4xlarge",   -- 16 vCPU 64 GiB
	Standard_D16d_v4       = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16ds_v4      = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16ds_v5      = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16ds_v6      = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16pds_v6     = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16plds_v6    = "c6id.4xlarge",  -- 16 vCPU 32 GiB, local disk
	Standard_D16pls_v6     = "c6i.4xlarge",   -- 16 vCPU 32 GiB
	Standard_D16ps_v6      = "m6i.4xlarge",   -- 16 vCPU 64 GiB
	Standard_D16s_v3       = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_D16s_v4       = "m6i.4xlarge",   -- 16 vCPU 64 GiB
	Standard_D16s_v5       = "m6i.4xlarge",   -- 16 vCPU 64 GiB
	Standard_D2ads_v6      = "m6id.large",    -- 2 vCPU 8 GiB, local disk
	Standard_D2ds_v6       = "m6id.large",    -- 2 vCPU 8 GiB, local disk
	Standard_D32_v3        = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32a_v4       = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32ads_v5     = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32ads_v6     = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32as_v4      = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32as_v5      = "m6i.8xlarge",   -- 32 vCPU 128 GiB
	Standard_D32d_v4       = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32ds_v4      = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32ds_v5      = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32ds_v6      = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32pds_v6     = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32plds_v6    = "c6id.8xlarge",  -- 32 vCPU 64 GiB, local disk
	Standard_D32pls_v6     = "c6i.8xlarge",   -- 32 vCPU 64 GiB
	Standard_D32ps_v6      = "m6i.8xlarge",   -- 32 vCPU 128 GiB
	Standard_D32s_v3       = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_D32s_v4       = "m6i.8xlarge",   -- 32 vCPU 128 GiB
	Standard_D32s_v5       = "m6i.8xlarge",   -- 32 vCPU 128 GiB
	Standard_D3_v2         = "m6id.xlarge",   -- 4 vCPU 14 GiB, local disk
	Standard_D48a_v4       = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48ads_v5     = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48ads_v6     = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48as_v4      = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48as_v5      = "m6i.12xlarge",  -- 48 vCPU 192 GiB
	Standard_D48d_v4       = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48ds_v4      = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48ds_v5      = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48ds_v6      = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48pds_v6     = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_D48plds_v6    = "m6id.12xlarge", -- 48 vCPU 96 GiB, local disk
	Standard_D48pls_v6     = "c6i.12xlarge",  -- 48 vCPU 96 GiB
	Standard_D48ps_v6      = "m6i.12xlarge",  -- 48 vCPU 192 GiB
	Standard_D48s_v4       = "m6i.12xlarge",  -- 48 vCPU 192 GiB
	Standard_D48s_v5       = "m6i.12xlarge",  -- 48 vCPU 192 GiB
	Standard_D4_v2         = "m6id.2xlarge",  -- 8 vCPU 28 GiB, local disk
	Standard_D4a_v4        = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4ads_v5      = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4ads_v6      = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4as_v5       = "m6i.xlarge",    -- 4 vCPU 16 GiB
	Standard_D4d_v4        = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4ds_v4       = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4ds_v5       = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4ds_v6       = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4pds_v6      = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4plds_v6     = "c6id.xlarge",   -- 4 vCPU 8 GiB, local disk
	Standard_D4pls_v6      = "c6i.xlarge",    -- 4 vCPU 8 GiB
	Standard_D4ps_v6       = "m6i.xlarge",    -- 4 vCPU 16 GiB
	Standard_D4s_v3        = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_D4s_v4        = "m6i.xlarge",    -- 4 vCPU 16 GiB
	Standard_D4s_v5        = "m6i.xlarge",    -- 4 vCPU 16 GiB
	Standard_D5_v2         = "m6id.4xlarge",  -- 16 vCPU 56 GiB, local disk
	Standard_D64_v3        = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64a_v4       = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64ads_v5     = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64ads_v6     = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64as_v4      = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64as_v5      = "m6i.16xlarge",  -- 64 vCPU 256 GiB
	Standard_D64d_v4       = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64ds_v4      = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64ds_v5      = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64ds_v6      = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64pds_v6     = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64plds_v6    = "c6id.16xlarge", -- 64 vCPU 128 GiB, local disk
	Standard_D64pls_v6     = "c6i.16xlarge",  -- 64 vCPU 128 GiB
	Standard_D64ps_v6      = "m6i.16xlarge",  -- 64 vCPU 256 GiB
	Standard_D64s_v3       = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_D64s_v4       = "m6i.16xlarge",  -- 64 vCPU 256 GiB
	Standard_D64s_v5       = "m6i.16xlarge",  -- 64 vCPU 256 GiB
	Standard_D8_v3         = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8a_v4        = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8ads_v5      = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8ads_v6      = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8as_v4       = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8as_v5       = "m6i.2xlarge",   -- 8 vCPU 32 GiB
	Standard_D8d_v4        = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8ds_v4       = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8ds_v5       = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8ds_v6       = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8pds_v6      = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8plds_v6     = "c6id.2xlarge",  -- 8 vCPU 16 GiB, local disk
	Standard_D8pls_v6      = "c6i.2xlarge",   -- 8 vCPU 16 GiB
	Standard_D8ps_v6       = "m6i.2xlarge",   -- 8 vCPU 32 GiB
	Standard_D8s_v3        = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_D8s_v4        = "m6i.2xlarge",   -- 8 vCPU 32 GiB
	Standard_D8s_v5        = "m6i.2xlarge",   -- 8 vCPU 32 GiB
	Standard_D96a_v4       = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96ads_v5     = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96ads_v6     = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96as_v4      = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96as_v5      = "m6i.24xlarge",  -- 96 vCPU 384 GiB
	Standard_D96ds_v5      = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96ds_v6      = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96pds_v6     = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_D96plds_v6    = "m6id.24xlarge", -- 96 vCPU 192 GiB, local disk
	Standard_D96pls_v6     = "c6i.24xlarge",  -- 96 vCPU 192 GiB
	Standard_D96ps_v6      = "m6i.24xlarge",  -- 96 vCPU 384 GiB
	Standard_D96s_v5       = "m6i.24xlarge",  -- 96 vCPU 384 GiB
	Standard_DC16ads_v6    = "m6id.4xlarge",  -- 16 vCPU 64 GiB, local disk
	Standard_DC16as_v5     = "m6i.4xlarge",   -- 16 vCPU 64 GiB
	Standard_DC32ads_v6    = "m6id.8xlarge",  -- 32 vCPU 128 GiB, local disk
	Standard_DC32as_v5     = "m6i.8xlarge",   -- 32 vCPU 128 GiB
	Standard_DC48ads_v6    = "m6id.12xlarge", -- 48 vCPU 192 GiB, local disk
	Standard_DC4ads_v6     = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_DC4as_v5      = "m6i.xlarge",    -- 4 vCPU 16 GiB
	Standard_DC64ads_v6    = "m6id.16xlarge", -- 64 vCPU 256 GiB, local disk
	Standard_DC8ads_v6     = "m6id.2xlarge",  -- 8 vCPU 32 GiB, local disk
	Standard_DC8as_v5      = "m6i.2xlarge",   -- 8 vCPU 32 GiB
	Standard_DC96ads_v6    = "m6id.24xlarge", -- 96 vCPU 384 GiB, local disk
	Standard_DS12_v2       = "r6id.xlarge",   -- 4 vCPU 28 GiB, local disk
	Standard_DS13_v2       = "r6id.2xlarge",  -- 8 vCPU 56 GiB, local disk
	Standard_DS14_v2       = "r6id.4xlarge",  -- 16 vCPU 112 GiB, local disk
	Standard_DS3_v2        = "m6id.xlarge",   -- 4 vCPU 14 GiB, local disk
	Standard_DS4_v2        = "m6id.2xlarge",  -- 8 vCPU 28 GiB, local disk
	Standard_DS5_v2        = "m6id.4xlarge",  -- 16 vCPU 56 GiB, local disk
	Standard_E128ds_v6     = "r6id.32xlarge", -- 128 vCPU 1024 GiB, local disk
	Standard_E16_v3        = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16a_v4       = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16ads_v5     = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16ads_v6     = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16as_v4      = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16as_v5      = "r6i.4xlarge",   -- 16 vCPU 128 GiB
	Standard_E16d_v4       = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16ds_v4      = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16ds_v5      = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16ds_v6      = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16pds_v6     = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16ps_v6      = "r6i.4xlarge",   -- 16 vCPU 128 GiB
	Standard_E16s_v3       = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_E16s_v4       = "r6i.4xlarge",   -- 16 vCPU 128 GiB
	Standard_E16s_v5       = "r6i.4xlarge",   -- 16 vCPU 128 GiB
	Standard_E2ads_v6      = "r6id.large",    -- 2 vCPU 16 GiB, local disk
	Standard_E2ds_v6       = "r6id.large",    -- 2 vCPU 16 GiB, local disk
	Standard_E2pds_v6      = "r6id.large",    -- 2 vCPU 16 GiB, local disk
	Standard_E2ps_v6       = "r6i.large",     -- 2 vCPU 16 GiB
	Standard_E32_v3        = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32a_v4       = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32ads_v5     = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32ads_v6     = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32as_v4      = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32as_v5      = "r6i.8xlarge",   -- 32 vCPU 256 GiB
	Standard_E32d_v4       = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32ds_v4      = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32ds_v5      = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32ds_v6      = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32pds_v6     = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32ps_v6      = "r6i.8xlarge",   -- 32 vCPU 256 GiB
	Standard_E32s_v3       = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_E32s_v4       = "r6i.8xlarge",   -- 32 vCPU 256 GiB
	Standard_E32s_v5       = "r6i.8xlarge",   -- 32 vCPU 256 GiB
	Standard_E48a_v4       = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48ads_v5     = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48ads_v6     = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48as_v4      = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48as_v5      = "r6i.12xlarge",  -- 48 vCPU 384 GiB
	Standard_E48d_v4       = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48ds_v4      = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48ds_v5      = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48ds_v6      = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48pds_v6     = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_E48ps_v6      = "r6i.12xlarge",  -- 48 vCPU 384 GiB
	Standard_E48s_v4       = "r6i.12xlarge",  -- 48 vCPU 384 GiB
	Standard_E48s_v5       = "r6i.12xlarge",  -- 48 vCPU 384 GiB
	Standard_E4a_v4        = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4ads_v5      = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4ads_v6      = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4as_v4       = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4as_v5       = "r6i.xlarge",    -- 4 vCPU 32 GiB
	Standard_E4d_v4        = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4ds_v4       = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4ds_v5       = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4ds_v6       = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4pds_v6      = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4ps_v6       = "r6i.xlarge",    -- 4 vCPU 32 GiB
	Standard_E4s_v4        = "r6i.xlarge",    -- 4 vCPU 32 GiB
	Standard_E4s_v5        = "r6i.xlarge",    -- 4 vCPU 32 GiB
	Standard_E64_v3        = "r6id.16xlarge", -- 64 vCPU 432 GiB, local disk
	Standard_E64a_v4       = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64ads_v5     = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64ads_v6     = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64as_v4      = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64as_v5      = "r6i.16xlarge",  -- 64 vCPU 512 GiB
	Standard_E64d_v4       = "r6id.16xlarge", -- 64 vCPU 504 GiB, local disk
	Standard_E64ds_v4      = "r6id.16xlarge", -- 64 vCPU 504 GiB, local disk
	Standard_E64ds_v5      = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64ds_v6      = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64pds_v6     = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_E64ps_v6      = "r6i.16xlarge",  -- 64 vCPU 512 GiB
	Standard_E64s_v3       = "r6id.16xlarge", -- 64 vCPU 432 GiB, local disk
	Standard_E64s_v4       = "r6i.16xlarge",  -- 64 vCPU 504 GiB
	Standard_E64s_v5       = "r6i.16xlarge",  -- 64 vCPU 512 GiB
	Standard_E8_v3         = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8a_v4        = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8ads_v5      = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8ads_v6      = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8as_v4       = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8as_v5       = "r6i.2xlarge",   -- 8 vCPU 64 GiB
	Standard_E8d_v4        = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8ds_v4       = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8ds_v5       = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8ds_v6       = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8pds_v6      = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8ps_v6       = "r6i.2xlarge",   -- 8 vCPU 64 GiB
	Standard_E8s_v3        = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_E8s_v4        = "r6i.2xlarge",   -- 8 vCPU 64 GiB
	Standard_E8s_v5        = "r6i.2xlarge",   -- 8 vCPU 64 GiB
	Standard_E96a_v4       = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96ads_v5     = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96ads_v6     = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96as_v4      = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96as_v5      = "r6i.24xlarge",  -- 96 vCPU 672 GiB
	Standard_E96ds_v5      = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96ds_v6      = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96pds_v6     = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_E96ps_v6      = "r6i.24xlarge",  -- 96 vCPU 672 GiB
	Standard_E96s_v5       = "r6i.24xlarge",  -- 96 vCPU 672 GiB
	Standard_EC16ads_v5    = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_EC16ads_v6    = "r6id.4xlarge",  -- 16 vCPU 128 GiB, local disk
	Standard_EC16as_v5     = "r6i.4xlarge",   -- 16 vCPU 128 GiB
	Standard_EC32ads_v5    = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_EC32ads_v6    = "r6id.8xlarge",  -- 32 vCPU 256 GiB, local disk
	Standard_EC32as_v5     = "r6i.8xlarge",   -- 32 vCPU 256 GiB
	Standard_EC48ads_v6    = "r6id.12xlarge", -- 48 vCPU 384 GiB, local disk
	Standard_EC4ads_v6     = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_EC64ads_v6    = "r6id.16xlarge", -- 64 vCPU 512 GiB, local disk
	Standard_EC8ads_v5     = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_EC8ads_v6     = "r6id.2xlarge",  -- 8 vCPU 64 GiB, local disk
	Standard_EC8as_v5      = "r6i.2xlarge",   -- 8 vCPU 64 GiB
	Standard_EC96ads_v6    = "r6id.24xlarge", -- 96 vCPU 672 GiB, local disk
	Standard_F16           = "c6id.4xlarge",  -- 16 vCPU 32 GiB, local disk
	Standard_F16s          = "c6id.4xlarge",  -- 16 vCPU 32 GiB, local disk
	Standard_F16s_v2       = "c6id.4xlarge",  -- 16 vCPU 32 GiB, local disk
	Standard_F32s_v2       = "c6id.8xlarge",  -- 32 vCPU 64 GiB, local disk
	Standard_F4            = "c6id.xlarge",   -- 4 vCPU 8 GiB, local disk
	Standard_F4s           = "c6id.xlarge",   -- 4 vCPU 8 GiB, local disk
	Standard_F4s_v2        = "c6id.xlarge",   -- 4 vCPU 8 GiB, local disk
	Standard_F64s_v2       = "c6id.16xlarge", -- 64 vCPU 128 GiB, local disk
	Standard_F72s_v2       = "c5d.18xlarge",  -- 72 vCPU 144 GiB, local disk
	Standard_F8            = "c6id.2xlarge",  -- 8 vCPU 16 GiB, local disk
	Standard_F8s           = "c6id.2xlarge",  -- 8 vCPU 16 GiB, local disk
	Standard_F8s_v2        = "c6id.2xlarge",  -- 8 vCPU 16 GiB, local disk
	Standard_H16           = "r6id.4xlarge",  -- 16 vCPU 112 GiB, local disk
	Standard_H8            = "r6id.2xlarge",  -- 8 vCPU 56 GiB, local disk
	Standard_L16as_v3      = "i4i.4xlarge",   -- 16 vCPU 128 GiB, local disk
	Standard_L16s_v2       = "i4i.4xlarge",   -- 16 vCPU 128 GiB, local disk
	Standard_L16s_v3       = "i4i.4xlarge",   -- 16 vCPU 128 GiB, local disk
	Standard_L32as_v3      = "i4i.8xlarge",   -- 32 vCPU 256 GiB, local disk
	Standard_L32s_v2       = "i4i.8xlarge",   -- 32 vCPU 256 GiB, local disk
	Standard_L32s_v3       = "i4i.8xlarge",   -- 32 vCPU 256 GiB, local disk
	Standard_L48as_v3      = "i7i.12xlarge",  -- 48 vCPU 384 GiB, local disk
	Standard_L48s_v3       = "i7i.12xlarge",  -- 48 vCPU 384 GiB, local disk
	Standard_L64as_v3      = "i4i.16xlarge",  -- 64 vCPU 512 GiB, local disk
	Standard_L64s_v2       = "i4i.16xlarge",  -- 64 vCPU 512 GiB, local disk
	Standard_L64s_v3       = "i4i.16xlarge",  -- 64 vCPU 512 GiB, local disk
	Standard_L80as_v3      = "i7i.24xlarge",  -- 80 vCPU 640 GiB, local disk
	Standard_L80s_v2       = "i7i.24xlarge",  -- 80 vCPU 640 GiB, local disk
	Standard_L80s_v3       = "i7i.24xlarge",  -- 80 vCPU 640 GiB, local disk
	Standard_L8as_v3       = "i4i.2xlarge",   -- 8 vCPU 64 GiB, local disk
	Standard_L8s_v2        = "i4i.2xlarge",   -- 8 vCPU 64 GiB, local disk
	Standard_L8s_v3        = "i4i.2xlarge",   -- 8 vCPU 64 GiB, local disk

	-- Older sizes still found in long-lived workspaces (not in the
	-- reference table): the same rules as above.
	Standard_DS2_v2        = "m6id.large",    -- 2 vCPU 7 GiB, local disk
	Standard_D2s_v3        = "m6id.large",    -- 2 vCPU 8 GiB, local disk
	Standard_D4_v3         = "m6id.xlarge",   -- 4 vCPU 16 GiB, local disk
	Standard_E2s_v3        = "r6id.large",    -- 2 vCPU 16 GiB, local disk
	Standard_E4_v3         = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_E4s_v3        = "r6id.xlarge",   -- 4 vCPU 32 GiB, local disk
	Standard_L4s           = "i4i.xlarge",    -- 4 vCPU 32 GiB, local NVMe
	Standard_L8s           = "i4i.2xlarge",   -- 8 vCPU 64 GiB, local NVMe

	-- GPU types: same GPU model class and count first, then memory. Where
	-- no AWS size has both, NOTES says what was given up.
	Standard_NC4as_T4_v3   = "g4dn.2xlarge",  -- 4 vCPU 28 GiB, 1 T4
	Standard_NC8as_T4_v3   = "g4dn.4xlarge",  -- 8 vCPU 56 GiB, 1 T4
	Standard_NC16as_T4_v3  = "g4dn.8xlarge",  -- 16 vCPU 110 GiB, 1 T4
	Standard_NC64as_T4_v3  = "g4dn.12xlarge", -- 64 vCPU 440 GiB, 4 T4
	Standard_NC6s_v3       = "p3.2xlarge",    -- 6 vCPU 112 GiB, 1 V100
	Standard_NC12s_v3      = "p3.8xlarge",    -- 12 vCPU 224 GiB, 2 V100
	Standard_NC24s_v3      = "p3.8xlarge",    -- 24 vCPU 448 GiB, 4 V100
	Standard_NC24rs_v3     = "p3.8xlarge",    -- 24 vCPU 448 GiB, 4 V100, InfiniBand
	Standard_NC8ads_A10_v4 = "g5.8xlarge",    -- 8 vCPU 100 GiB, 1 A10
	Standard_NC16ads_A10_v4 = "g5.16xlarge",  -- 16 vCPU 200 GiB, 1 A10
	Standard_NC32ads_A10_v4 = "g5.12xlarge",  -- 32 vCPU 400 GiB, 2 A10
	Standard_ND96asr_v4    = "p4d.24xlarge",  -- 96 vCPU 900 GiB, 8 A100 40 GB
	Standard_ND40rs_v2     = "p3.16xlarge",   -- 40 vCPU 672 GiB, 8 V100 32 GB
	Standard_NV36ads_A10_v5 = "g5.16xlarge",  -- 36 vCPU 440 GiB, 1 A10
}

-- Picks that give something up: each becomes a warning on the object, so
-- the compromise is reviewed rather than discovered in production.
local NOTES = {
	Standard_DC16ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_DC16as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_DC32ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_DC32as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_DC48ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_DC4ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_DC4as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_DC64ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_DC8ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_DC8as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_DC96ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC16ads_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_EC16ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC16as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_EC32ads_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_EC32ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC32as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_EC48ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC4ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC64ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC8ads_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_EC8ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_EC8as_v5 = "confidential VM: the AWS type is a regular instance",
	Standard_EC96ads_v6 = "confidential VM: the AWS type is a regular instance",
	Standard_L80as_v3 = "no 80-vCPU storage-optimised AWS type: rounded up to 96 vCPU",
	Standard_L80s_v2 = "no 80-vCPU storage-optimised AWS type: rounded up to 96 vCPU",
	Standard_L80s_v3 = "no 80-vCPU storage-optimised AWS type: rounded up to 96 vCPU",
	Standard_NC4as_T4_v3 = "g4dn.xlarge has 16 GiB < 28 GiB: picked 8 vCPU",
	Standard_NC8as_T4_v3 = "g4dn.2xlarge has 32 GiB < 56 GiB: picked 16 vCPU",
	Standard_NC16as_T4_v3 = "g4dn.4xlarge has 64 GiB < 110 GiB: picked 32 vCPU",
	Standard_NC64as_T4_v3 = "the only 4-GPU T4 type has 192 GiB < 440 GiB",
	Standard_NC6s_v3 = "the only 1-GPU V100 type has 61 GiB < 112 GiB",
	Standard_NC12s_v3 = "no 2-GPU V100 type: 4 GPUs",
	Standard_NC24s_v3 = "the only 4-GPU V100 type has 244 GiB < 448 GiB",
	Standard_NC24rs_v3 = "the only 4-GPU V100 type has 244 GiB < 448 GiB, no InfiniBand",
	Standard_NC8ads_A10_v4 = "g5.4xlarge has 64 GiB < 100 GiB: picked 32 vCPU",
	Standard_NC16ads_A10_v4 = "g5.8xlarge has 128 GiB < 200 GiB: picked 64 vCPU",
	Standard_NC32ads_A10_v4 = "no 2-GPU A10G type: 4 GPUs with 192 GiB < 400 GiB",
	Standard_ND40rs_v2 = "8 V100 with 16 GB each (not 32 GB) and 488 GiB < 672 GiB; p3dn.24xlarge matches both where offered",
	Standard_NV36ads_A10_v5 = "the largest 1-GPU A10G type has 256 GiB < 440 GiB",
}

-- Types left out on purpose: any pick would silently multiply the cost.
local NO_PICK = {
	Standard_NC24ads_A100_v4 = "AWS has no instance with 1 A100 GPU (p4d.24xlarge has 8)",
	Standard_NC48ads_A100_v4 = "AWS has no instance with 2 A100 GPUs (p4d.24xlarge has 8)",
	Standard_NC96ads_A100_v4 = "AWS has no instance with 4 A100 GPUs (p4d.24xlarge has 8)",
}

-- --var node_type_map=FILE.csv: lines "azure_type,aws_type"; a line wins
-- over the tables above, so a site can pick Graviton or add a new type.
local OVERRIDE = {}
if dbx.vars.node_type_map then
	for i, row in ipairs(dbx.csv(dbx.vars.node_type_map)) do
		if #row ~= 2 or row[1] == "" or row[2] == "" then
			error(("node_type_map %s: row %d: want 'azure_type,aws_type', got %d field(s)")
				:format(dbx.vars.node_type_map, i, #row))
		end
		OVERRIDE[row[1]] = row[2]
	end
end

local AVAILABILITY = {
	SPOT_AZURE = "SPOT",
	ON_DEMAND_AZURE = "ON_DEMAND",
	SPOT_WITH_FALLBACK_AZURE = "SPOT_WITH_FALLBACK",
}

-- Instance pools on AWS have no on-demand fallback; SPOT keeps the cost
-- profile the pool was built for, and the warning says what was lost.
local POOL_AVAILABILITY = {
	SPOT_AZURE = "SPOT",
	ON_DEMAND_AZURE = "ON_DEMAND",
	SPOT_WITH_FALLBACK_AZURE = "SPOT",
}

-- Premium SSD is what gp SSD is on AWS; Standard HDD is throughput HDD.
local DISK_TYPE = {
	PREMIUM_LRS = "GENERAL_PURPOSE_SSD",
	STANDARD_LRS = "THROUGHPUT_OPTIMIZED_HDD",
}
-- The smallest volume AWS Databricks accepts for each type.
local DISK_MIN_GIB = { GENERAL_PURPOSE_SSD = 100, THROUGHPUT_OPTIMIZED_HDD = 500 }

-- AWS families whose local storage cannot be read from the name.
local LOCAL_DISK_FAMILY = { g5 = true, g6 = true, h1 = true, x1 = true, x1e = true, f1 = true }

local function has_local_disk(aws_type)
	local fam = aws_type:match("^([%w-]+)%.")
	if not fam then return false end
	fam = fam:gsub("%-fleet$", "")
	if LOCAL_DISK_FAMILY[fam] then return true end
	-- fleet names carry no generation: "md" has disks, "mg" has not
	if fam:match("^%a+$") then return fam:sub(2):find("d", 1, true) ~= nil end
	local head, suffix = fam:match("^(%a+)%d+(%a*)$")
	if not head then return false end
	-- i* and d* are the storage families; elsewhere a "d" after the
	-- generation digit means instance storage (m6id, c5ad, g4dn, z1d)
	return head:sub(1, 1) == "i" or head:sub(1, 1) == "d" or suffix:find("d", 1, true) ~= nil
end

-- aws_node maps one node type; `where` names the field for messages.
-- Anything that is not an Azure type (already an AWS type) is kept.
-- quiet: no NOTES warning (policies: the clusters built from them warn).
local function aws_node(t, where, quiet)
	if type(t) ~= "string" then return t end
	local o = OVERRIDE[t]
	if o then return o end
	local m = NODE_TYPES[t]
	if m then
		if NOTES[t] and not quiet then dbx.warn(("%s: %s -> %s: %s"):format(where, t, m, NOTES[t])) end
		return m
	end
	if NO_PICK[t] then
		error(("%s: node type '%s' has no AWS pick: %s; map it with --var node_type_map=FILE.csv")
			:format(where, t, NO_PICK[t]))
	end
	if t:match("^Standard_") then
		error(("%s: unknown node type '%s'; map it with --var node_type_map=FILE.csv (line '%s,<aws type>')")
			:format(where, t, t))
	end
	return t
end

local function aws_availability(v, where, tbl)
	if type(v) ~= "string" or not v:match("_AZURE$") then return v end
	local m = (tbl or AVAILABILITY)[v]
	if not m then error(("%s: unknown Azure availability '%s'"):format(where, v)) end
	return m
end

local function join(where, field)
	if where == nil or where == "" then return field end
	return where .. "." .. field
end

local function basename(url)
	return url:match("([^/]+)$") or url
end

local function is_azure_storage(url)
	return type(url) == "string" and (url:match("^abfss?://") or url:match("^wasbs?://")) ~= nil
end

-- Where Azure storage goes: ABFSS/WASBS prefix -> S3 prefix. Empty here
-- (bucket names are yours); --var storage_map=FILE.csv (lines
-- "abfss://container@account.dfs.core.windows.net/prefix,s3://bucket/prefix")
-- fills it. The longest matching prefix wins; a prefix matches whole path
-- segments only.
local STORAGE_MAP = {}

local function norm_prefix(u)
	return (u:gsub("/+$", ""))
end

if dbx.vars.storage_map then
	for i, row in ipairs(dbx.csv(dbx.vars.storage_map)) do
		if #row ~= 2 or not is_azure_storage(row[1]) or not row[2]:match("^s3a?://[^/]+") then
			error(("storage_map %s: row %d: want 'abfss://container@account.dfs.core.windows.net/prefix,s3://bucket/prefix', got '%s'")
				:format(dbx.vars.storage_map, i, table.concat(row, ",")))
		end
		STORAGE_MAP[norm_prefix(row[1])] = norm_prefix(row[2])
	end
end

-- --var credential_map=FILE.csv: lines "credential name,
-- arn:aws:iam::<account>:role/<name>".
local CREDENTIAL_MAP = {}
if dbx.vars.credential_map then
	for i, row in ipairs(dbx.csv(dbx.vars.credential_map)) do
		if #row ~= 2 or not row[2]:match("^arn:aws:iam::%d+:role/.+") then
			error(("credential_map %s: row %d: want 'name,arn:aws:iam::<account>:role/<name>', got '%s'")
				:format(dbx.vars.credential_map, i, table.concat(row, ",")))
		end
		CREDENTIAL_MAP[row[1]] = row[2]
	end
end

-- The S3 URL for an Azure storage URL, or nil when no prefix maps it.
-- wasbs://c@a.blob.core.windows.net and abfss://c@a.dfs.core.windows.net
-- name the same container: both are looked up as abfss.
local function map_storage(url)
	if not is_azure_storage(url) then return nil end
	local u = url:gsub("^wasbs?://([^@/]+)@([^./]+)%.blob%.", "abfss://%1@%2.dfs.")
	u = u:gsub("^abfs://", "abfss://")
	local best, bestlen
	for from, to in pairs(STORAGE_MAP) do
		local f = from:gsub("^wasbs?://([^@/]+)@([^./]+)%.blob%.", "abfss://%1@%2.dfs.")
		local rest = u:sub(#f + 1)
		if u:sub(1, #f) == f and (rest == "" or rest:sub(1, 1) == "/") and (not bestlen or #f > bestlen) then
			best, bestlen = to .. rest, #f
		end
	end
	return best
end

local function is_azure_spark_key(k)
	return k:match("^fs%.azure%.") or k:match("^spark%.hadoop%.fs%.azure%.")
end

local function suggest(url)
	return ("copy it to workspace files (e.g. /Shared/init-scripts/%s, as {\"workspace\": {\"destination\": \"/Shared/init-scripts/%s\"}}) or to a Unity Catalog volume (/Volumes/<catalog>/<schema>/<volume>/%s)")
		:format(basename(url), basename(url), basename(url))
end

-- ADLS account keys, OAuth endpoints and SAS settings: removed, listed by
-- key only (values may hold credentials).
local function strip_spark_conf(conf, where)
	if type(conf) ~= "table" then return end
	local gone = {}
	for k in pairs(conf) do
		if is_azure_spark_key(k) then gone[#gone + 1] = k end
	end
	if #gone == 0 then return end
	table.sort(gone)
	for _, k in ipairs(gone) do conf[k] = nil end
	dbx.warn(("%s: removed %d Azure storage setting(s) (%s): grant S3 access with an instance profile or a Unity Catalog external location instead")
		:format(where, #gone, table.concat(gone, ", ")))
end

local function strip_init_scripts(spec, where)
	local scripts = spec.init_scripts
	if type(scripts) ~= "table" then return end
	local kept, changed = dbx.array({}), false
	for i, s in ipairs(scripts) do
		local url = type(s) == "table" and (s.abfss and s.abfss.destination) or nil
		local s3 = url and map_storage(url)
		if url then changed = true end
		if s3 then
			kept[#kept + 1] = { s3 = { destination = s3 } }
		elseif url then
			dbx.warn(("%s: removed Azure storage init script %s: %s")
				:format(join(where, ("init_scripts[%d]"):format(i - 1)), url, suggest(url)))
		else
			kept[#kept + 1] = s
		end
	end
	if changed then spec.init_scripts = kept end
end

-- azure_attributes -> aws_attributes for clusters. zone_id "auto" lets
-- Databricks pick the zone with capacity, the closest thing to Azure's
-- region-level placement. spot_bid_max_price -1 (the Azure default) means
-- "up to the on-demand price", which is what 100 percent says on AWS.
local function cluster_aws_attributes(spec, where, needs_ebs, on_pool)
	local az = spec.azure_attributes
	local aws = spec.aws_attributes or {}
	if type(az) == "table" then
		local w = join(where, "azure_attributes")
		if az.availability ~= nil then
			aws.availability = aws_availability(az.availability, w .. ".availability")
		end
		if az.first_on_demand ~= nil then aws.first_on_demand = az.first_on_demand end
		if az.spot_bid_max_price ~= nil then aws.spot_bid_price_percent = 100 end
		if az.log_analytics_info ~= nil then
			dbx.warn(w .. ".log_analytics_info: Azure Log Analytics has no AWS counterpart; removed")
		end
		spec.azure_attributes = nil
	end
	if not on_pool then
		if aws.zone_id == nil then aws.zone_id = "auto" end
		if needs_ebs and aws.ebs_volume_count == nil then
			aws.ebs_volume_type = "GENERAL_PURPOSE_SSD"
			aws.ebs_volume_count = 1
			aws.ebs_volume_size = 100
		end
	end
	if next(aws) ~= nil then spec.aws_attributes = aws end
end

-- Messages name fields relative to the spec: the host puts ctx.where
-- (e.g. settings.job_clusters[0].new_cluster) in front of them.
local function cluster_spec(spec, ctx)
	local where = ""
	local had_azure = spec.azure_attributes ~= nil
	local mapped = false
	local needs_ebs = false
	for _, f in ipairs({ "node_type_id", "driver_node_type_id" }) do
		local t = spec[f]
		if type(t) == "string" then
			local m = aws_node(t, join(where, f))
			if m ~= t then mapped = true end
			if m ~= t and not has_local_disk(m) then needs_ebs = true end
			spec[f] = m
		end
	end
	local on_pool = spec.instance_pool_id ~= nil
	if had_azure or mapped then cluster_aws_attributes(spec, where, needs_ebs, on_pool) end
	strip_spark_conf(spec.spark_conf, join(where, "spark_conf"))
	strip_init_scripts(spec, where)
end

-- A policy element is {type=..., value=..., values=..., defaultValue=...}.
local function map_element(el, fn, where)
	if type(el) ~= "table" then return end
	if el.value ~= nil then el.value = fn(el.value, where .. ".value") end
	if el.defaultValue ~= nil then el.defaultValue = fn(el.defaultValue, where .. ".defaultValue") end
	if type(el.values) == "table" then
		local seen, out = {}, dbx.array({})
		for i, v in ipairs(el.values) do
			local m = fn(v, ("%s.values[%d]"):format(where, i - 1))
			-- two Azure sizes can land on one AWS type; keep the list a set
			if not seen[m] then seen[m] = true; out[#out + 1] = m end
		end
		el.values = out
	end
end

local function policy_definition(def, ctx)
	local keys = {}
	for k in pairs(def) do keys[#keys + 1] = k end
	table.sort(keys)
	local removed = {}
	for _, k in ipairs(keys) do
		local el = def[k]
		local w = ("[%q]"):format(k)
		if k == "node_type_id" or k == "driver_node_type_id" then
			map_element(el, function(v, at) return aws_node(v, at, true) end, w)
		elseif k == "azure_attributes.availability" then
			map_element(el, function(v, at) return aws_availability(v, at) end, w)
			def[k] = nil
			def["aws_attributes.availability"] = el
		elseif k == "azure_attributes.first_on_demand" then
			def[k] = nil
			def["aws_attributes.first_on_demand"] = el
		elseif k == "azure_attributes.spot_bid_max_price" then
			def[k] = nil
			local hidden = type(el) == "table" and el.hidden or nil
			def["aws_attributes.spot_bid_price_percent"] = { type = "fixed", value = 100, hidden = hidden }
		elseif k:match("^azure_attributes%.") then
			def[k] = nil
			removed[#removed + 1] = k
		elseif k:match("^spark_conf%.") and is_azure_spark_key(k:sub(#"spark_conf." + 1)) then
			def[k] = nil
			removed[#removed + 1] = k
		elseif k:match("^init_scripts%.") and k:match("%.abfss%.destination$") then
			local url = type(el) == "table" and el.value or nil
			def[k] = nil
			dbx.warn(("%s: removed Azure storage init script%s: %s"):format(w,
				url and (" " .. url) or "", suggest(url or "init.sh")))
		end
	end
	if #removed > 0 then
		dbx.warn(("removed %d Azure-only rule(s) (%s): no AWS counterpart")
			:format(#removed, table.concat(removed, ", ")))
	end
end

-- Unity Catalog kinds and Hive databases: their handlers below say what
-- an unmapped location means for the object, once.
local UC_KINDS = { catalog = true, schema = true, table = true, volume = true, external_location = true,
	hive_database = true }

local function storage_location(url, ctx)
	local m = map_storage(url)
	if m then return m end
	if UC_KINDS[ctx.kind] then return end
	if is_azure_storage(url) or (type(url) == "string" and url:find("%.core%.windows%.net")) then
		dbx.warn(("%s is Azure storage: %s; or map it with --var storage_map=FILE.csv (line 'abfss://container@account.dfs.core.windows.net/prefix,s3://bucket/prefix')")
			:format(url, suggest(url)))
	end
end

local function unmapped(url)
	return is_azure_storage(url) or (type(url) == "string" and url:find("%.core%.windows%.net") ~= nil)
end

local MAP_HINT = "map it with --var storage_map=FILE.csv (line 'abfss://container@account.dfs.core.windows.net/prefix,s3://bucket/prefix')"

-- Marks OBJ a manual follow-up: import skips it and reports WHY.
local function leave_manual(obj, why)
	obj.manual = why
	dbx.warn(why)
end

-- An external location on storage no map names cannot be created on AWS:
-- it becomes a manual follow-up (import skips it and says so).
local function external_location(loc, ctx)
	if unmapped(loc.url) then
		leave_manual(loc, ("external location on Azure storage %s: create the S3 bucket and the location by hand, or %s")
			:format(loc.url, MAP_HINT))
	elseif loc.credential_name ~= nil and not CREDENTIAL_MAP[loc.credential_name] then
		leave_manual(loc, ("external location '%s' uses storage credential '%s', which has no IAM role in --var credential_map=FILE.csv: create both by hand, or map the credential")
			:format(tostring(loc.name), tostring(loc.credential_name)))
	end
end

-- DLT pipelines: clusters, notebook paths and storage went through the
-- hooks. A Hive metastore pipeline whose storage stays on Azure storage
-- cannot be created on AWS: it becomes a manual follow-up (and a job task
-- running it fails with a message naming it) until the storage is mapped.
-- Unity Catalog pipelines have no storage of their own.
local function pipeline(p, ctx)
	local spec = type(p.spec) == "table" and p.spec or nil
	if spec and unmapped(spec.storage) then
		leave_manual(p, ("DLT pipeline '%s' keeps its tables on Azure storage %s: create the S3 storage and the pipeline by hand, or %s")
			:format(tostring(p.name), spec.storage, MAP_HINT))
	end
end

-- A catalog (or schema) whose managed storage stays unmapped is created on
-- the target metastore's default storage instead: its managed tables'
-- data must be copied anyway (dbxmig data-plan).
local function managed_root(obj, what)
	local root = obj.storage_root
	if unmapped(root) then
		obj.storage_root = nil
		obj.storage_location = nil
		dbx.warn(("%s '%s': managed storage %s is Azure storage: created on the metastore's default storage; %s")
			:format(what, tostring(obj.full_name or obj.name), root, MAP_HINT))
	elseif unmapped(obj.storage_location) then
		obj.storage_location = nil
	end
end

local function catalog(cat, ctx) managed_root(cat, "catalog") end
local function schema(sch, ctx) managed_root(sch, "schema") end

-- An external table on storage no map names cannot be created on AWS
-- (export marks the tables the API cannot create at all).
local function tbl(t, ctx)
	if t.table_type == "EXTERNAL" and t.manual == nil and unmapped(t.storage_location) then
		leave_manual(t, ("external table on Azure storage %s: copy its files to S3 and create it by hand, or %s")
			:format(t.storage_location, MAP_HINT))
	end
end

-- A Hive database or table on storage no map names cannot be created on
-- AWS: the database (its LOCATION) or that table becomes a manual
-- follow-up (import skips it and says so; the rest of the database goes on).
local function hive_database(db, ctx)
	if unmapped(db.location) then
		leave_manual(db, ("Hive database on Azure storage %s: create it by hand on S3, or %s")
			:format(db.location, MAP_HINT))
		return
	end
	for _, t in ipairs(db.tables or {}) do
		if t.manual == nil and unmapped(t.location) then
			leave_manual(t, ("Hive table %s.%s on Azure storage %s: copy its files to S3 and create it by hand, or %s")
				:format(db.name, t.name, t.location, MAP_HINT))
		end
	end
end

-- An external volume on storage no map names cannot be created on AWS.
local function volume(vol, ctx)
	if vol.volume_type == "EXTERNAL" and unmapped(vol.storage_location) then
		leave_manual(vol, ("external volume on Azure storage %s: copy its files to S3 and create it by hand, or %s")
			:format(vol.storage_location, MAP_HINT))
	end
end

-- Unity Catalog storage credentials: an Azure managed identity or service
-- principal cannot move to AWS. With a line for the credential's name in
-- --var credential_map=FILE.csv (name, then the IAM role ARN) the
-- credential becomes an aws_iam_role one; without, it is a manual
-- follow-up (import skips it and says so), and so are the external
-- locations that use it.
local function storage_credential(cred, ctx)
	if cred.aws_iam_role ~= nil then return end
	local arn = CREDENTIAL_MAP[cred.name]
	if not arn then
		leave_manual(cred, ("storage credential '%s' is an Azure identity: create an IAM role for it and map it with --var credential_map=FILE.csv (line '%s,arn:aws:iam::<account>:role/<name>'), or create the credential by hand")
			:format(tostring(cred.name), tostring(cred.name)))
		return
	end
	cred.azure_managed_identity = nil
	cred.azure_service_principal = nil
	cred.aws_iam_role = { role_arn = arn }
	dbx.warn(("storage credential '%s' now uses IAM role %s: its trust policy must name the target's Unity Catalog role and external id (read them back from the target)")
		:format(tostring(cred.name), arn))
end

local function instance_pool(pool, ctx)
	local t = pool.node_type_id
	local m = aws_node(t, "node_type_id")
	pool.node_type_id = m
	local az = pool.azure_attributes
	if type(az) == "table" then
		local aws = pool.aws_attributes or {}
		if az.availability ~= nil then
			aws.availability = aws_availability(az.availability, "azure_attributes.availability", POOL_AVAILABILITY)
			if az.availability == "SPOT_WITH_FALLBACK_AZURE" then
				dbx.warn("azure_attributes.availability: AWS pools have no spot-with-fallback; the pool is SPOT, set ON_DEMAND if it must never lack capacity")
			end
		end
		if az.spot_bid_max_price ~= nil then aws.spot_bid_price_percent = 100 end
		pool.azure_attributes = nil
		if next(aws) ~= nil then pool.aws_attributes = aws end
	end
	local ds = pool.disk_spec
	local dt = type(ds) == "table" and ds.disk_type or nil
	if type(dt) == "table" and dt.azure_disk_volume_type ~= nil then
		local v = dt.azure_disk_volume_type
		local ebs = DISK_TYPE[v]
		if not ebs then
			error(("disk_spec.disk_type.azure_disk_volume_type: unknown Azure disk type '%s'"):format(tostring(v)))
		end
		ds.disk_type = { ebs_volume_type = ebs }
		local min = DISK_MIN_GIB[ebs]
		if type(ds.disk_size) == "number" and ds.disk_size < min then
			dbx.warn(("disk_spec.disk_size: %d GiB raised to %d GiB, the smallest %s volume AWS accepts")
				:format(ds.disk_size, min, ebs))
			ds.disk_size = min
		end
	elseif m ~= t and type(m) == "string" and not has_local_disk(m) then
		pool.disk_spec = { disk_type = { ebs_volume_type = "GENERAL_PURPOSE_SSD" }, disk_count = 1, disk_size = 100 }
	end
end

local function secret_scope(scope, ctx)
	if scope.backend_type ~= "AZURE_KEYVAULT" then return end
	local kv = scope.keyvault_metadata
	local vault = type(kv) == "table" and (kv.dns_name or kv.resource_id) or "?"
	local names = {}
	if type(scope.keys) == "table" then
		for _, k in ipairs(scope.keys) do
			if type(k) == "table" and k.key then names[#names + 1] = k.key end
		end
	end
	scope.backend_type = "DATABRICKS"
	scope.keyvault_metadata = nil
	-- export marks Key Vault scopes for manual re-creation; this rule
	-- re-creates them, and the warning below is the follow-up instead
	scope.manual = nil
	dbx.warn(("Azure Key Vault-backed scope '%s' (vault %s) becomes a Databricks-backed scope with the same name and ACLs: put the values of its %d key(s)%s again (databricks secrets put-secret), or read them from AWS Secrets Manager")
		:format(tostring(scope.name), vault, #names,
			#names > 0 and (" (" .. table.concat(names, ", ") .. ")") or ""))
end

-- SQL warehouses take the same settings on both clouds (size, scaling,
-- auto-stop, channel, spot policy, Photon): those carry over as they are.
-- jdbc_url and odbc_params name the Azure workspace host; they are
-- computed by the target, so carrying them over only leaves a wrong host.
-- AWS tags are stricter than Azure's (key 1-127 characters, not starting
-- with "aws:", value up to 255): a tag AWS would refuse is dropped, with a
-- warning. Serverless SQL depends on the target's region and account.
local function sql_warehouse(wh, ctx)
	wh.jdbc_url = nil
	wh.odbc_params = nil
	local tags = type(wh.tags) == "table" and wh.tags.custom_tags or nil
	if type(tags) == "table" then
		local kept = dbx.array({})
		for i, t in ipairs(tags) do
			local k = type(t) == "table" and t.key or nil
			local v = type(t) == "table" and t.value or nil
			if type(k) ~= "string" or #k == 0 or #k > 127 or k:lower():sub(1, 4) == "aws:"
				or (v ~= nil and (type(v) ~= "string" or #v > 255)) then
				dbx.warn(("tags.custom_tags[%d]: '%s' is not a valid AWS tag (key of 1-127 characters, not starting with 'aws:'; value up to 255): dropped")
					:format(i - 1, tostring(k)))
			else
				kept[#kept + 1] = t
			end
		end
		if #kept ~= #tags then wh.tags.custom_tags = kept end
	end
	if wh.enable_serverless_compute == true then
		dbx.warn("enable_serverless_compute: serverless SQL must be available in the target AWS region and enabled for the account (else set it false: a PRO warehouse)")
	end
end

return {
	target_cloud = "aws",
	cluster_spec = cluster_spec,
	policy_definition = policy_definition,
	storage_location = storage_location,
	storage_credential = storage_credential,
	external_location = external_location,
	pipeline = pipeline,
	catalog = catalog,
	schema = schema,
	table = tbl,
	volume = volume,
	hive_database = hive_database,
	instance_pool = instance_pool,
	secret_scope = secret_scope,
	sql_warehouse = sql_warehouse,

	-- Source-cloud leftovers in mapped objects. Values are matched anywhere
	-- in a string so that policy definitions (JSON strings) are covered.
	lint = {
		{ key = "^azure_attributes$", message = "Azure-only attribute block (map it to aws_attributes)" },
		{ key = "^azure_disk_volume_type$", message = "Azure disk type (map it to ebs_volume_type)" },
		{ key = "^keyvault_metadata$", message = "Azure Key Vault reference" },
		{ key = "(^|\\.)fs\\.azure\\.", message = "Azure storage Spark setting" },
		{ value = "azure_attributes\\.", message = "Azure-only attribute in a policy definition" },
		{ value = "\\bStandard_[A-Z]{1,3}[0-9]", message = "Azure node type" },
		{ value = "\\b(SPOT|ON_DEMAND|SPOT_WITH_FALLBACK)_AZURE\\b", message = "Azure availability" },
		-- one pattern, so that one abfss:// URL is one finding, not two
		{ value = "\\b(abfss?|wasbs?)://|\\.(dfs|blob)\\.core\\.windows\\.net", message = "Azure storage URL" },
		{ value = "(^|[^a-z])fs\\.azure\\.", message = "Azure storage Spark setting" },
		{ value = "azuredatabricks\\.net", message = "Azure Databricks workspace host" },
		{ value = "\\.database\\.windows\\.net", message = "Azure SQL host (an external Hive metastore?)" },
		{ value = "\\.azurecr\\.io", message = "Azure Container Registry image (push it to ECR)" },
		{ value = "vault\\.azure\\.net", message = "Azure Key Vault host" },
		{ value = "^AZURE_KEYVAULT$", message = "Azure Key Vault-backed secret scope" },
	},
}
