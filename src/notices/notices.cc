// Placeholder until the notices library lands (issue 6).
namespace mynacert::notices {}
