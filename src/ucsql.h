/* ucsql: the Unity Catalog tables the REST API cannot create (managed
 * tables, views: kind_import.sql_types), as the SQL statements import runs
 * on a target SQL warehouse. */
#ifndef DBX_UCSQL_H
#define DBX_UCSQL_H

#include <cjson/cJSON.h>
#include "err.h"
#include "kinds.h"

/* 1 when import creates obj (a record of kind k) by SQL: its table_type
 * is one of k->imp.sql_types. */
int ucsql_by_sql(const kind_def *k, const cJSON *obj);
/* 1 for a view (created after every table). */
int ucsql_is_view(const cJSON *obj);

/* The statement that creates obj (a TableInfo: full_name, table_type,
 * columns[] {name, type_text, nullable, comment, partition_index},
 * partition_columns, comment, view_definition):
 *   CREATE TABLE IF NOT EXISTS `c`.`s`.`t` (cols) USING DELTA
 *     [PARTITIONED BY (..)] [COMMENT '..']
 *   CREATE VIEW IF NOT EXISTS `c`.`s`.`v` [COMMENT '..'] AS <view_definition>
 * A new string (caller frees), or NULL with err naming what is missing. */
char *ucsql_create(const cJSON *obj, dbx_err *err);

#endif
