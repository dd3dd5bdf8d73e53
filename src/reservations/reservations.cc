// Placeholder until the reservations library lands (issue 6).
namespace mynacert::reservations {}
