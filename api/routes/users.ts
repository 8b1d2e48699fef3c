import { Router } from 'express';
import { forbidden } from '../problem';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { createUserBody } from '../schemas';
import type { UserService } from '../../desk/users';

export function userRoutes(users: UserService): Router {
  const router = Router();
  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOr400(createUserBody, req.body ?? {}, 'user');
    const user = await users.create(body, principal(req).id);
    res.status(201).location(`/api/v1/users/${user.id}`).json(user);
  });

  // Rotation: by an admin, or by the key's owner (who then holds only the new key). Revocation: admins only.
  router.post('/:id/api-keys', async (req, res) => {
    const me = principal(req);
    const id = String(req.params.id);
    if (me.role !== 'admin' && me.id !== id) throw forbidden('only an admin or the user themself can rotate this key');
    res.set('Cache-Control', 'no-store').json(await users.rotateApiKey(id, me.id));
  });
  router.delete('/:id/api-keys', requireRole('admin'), async (req, res) => {
    await users.revokeApiKey(String(req.params.id), principal(req).id);
    res.status(204).end();
  });
  return router;
}
