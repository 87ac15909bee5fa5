/** The exact tool lists the server must expose, written out by hand: the contract under test. */
export const ALL_TOOLS = [
  'create_item',
  'get_item',
  'update_item',
  'move_item',
  'set_item_status',
  'link_items',
  'unlink_items',
  'get_item_tree',
  'upsert_milestone',
  'list_milestones',
  'query_audit',
  'verify_audit',
  'decompose_spec',
  'diff_spec',
  'apply_spec',
  'import_tasks',
  'validate_policy',
  'get_config',
  'update_config',
];

export const READ_TOOLS = [
  'get_item',
  'get_item_tree',
  'list_milestones',
  'query_audit',
  'verify_audit',
  'decompose_spec',
  'diff_spec',
  'validate_policy',
  'get_config',
];
