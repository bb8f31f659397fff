// workspace list/show/new/select/delete.

#include "command/argv_builder.hpp"

namespace libterraform::detail::specs {

CommandSpec workspace_list(const WorkspaceListOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("workspace list").no_color(o.no_color, d).finish(o);
}

CommandSpec workspace_show(const WorkspaceShowOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("workspace show").no_color(o.no_color, d).finish(o);
}

CommandSpec workspace_new(const WorkspaceNewOptions& o, const FlagDefaults& d,
                          const std::string& name) {
  return ArgvBuilder("workspace new")
      .no_color(o.no_color, d)
      .locking(o)
      .value("-state", o.state)
      .required("workspace name", name)
      .finish(o);
}

CommandSpec workspace_select(const WorkspaceSelectOptions& o, const FlagDefaults& d,
                             const std::string& name) {
  return ArgvBuilder("workspace select")
      .no_color(o.no_color, d)
      .flag("-or-create", o.or_create)
      .required("workspace name", name)
      .finish(o);
}

CommandSpec workspace_delete(const WorkspaceDeleteOptions& o, const FlagDefaults& d,
                             const std::string& name) {
  return ArgvBuilder("workspace delete")
      .no_color(o.no_color, d)
      .flag("-force", o.force)
      .locking(o)
      .required("workspace name", name)
      .finish(o);
}

}  // namespace libterraform::detail::specs
